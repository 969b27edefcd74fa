/**
 * Realistic-ish KWS inputs without a speech dataset: one second of synthetic 16 kHz audio (voiced harmonic
 * "syllables" with pitch glides and formant-like emphasis, noise, silence) turned into MFCCs the way the MLPerf
 * Tiny KWS reference does (tf.signal): 30 ms Hann frames every 20 ms, 512-point FFT magnitude, 40 mel bands over
 * 20-4000 Hz (HTK mel, DC bin excluded), log(mel + 1e-6), DCT-II scaled by 1/sqrt(2 * 40), first 10 -> [49, 10].
 */
import type { Rng } from "../../src/tensor/index.js";

const SR = 16000;
const FRAME = 480;
const STEP = 320;
const NFFT = 512;
const BINS = NFFT / 2 + 1;
const MELS = 40;
const COEFFS = 10;
const FRAMES = 49;

function hzToMel(f: number): number {
  return 1127 * Math.log(1 + f / 700);
}

/** tf.signal.linear_to_mel_weight_matrix: [BINS, MELS] triangles on the mel scale, bin 0 (DC) zeroed. */
function melMatrix(): Float64Array {
  const w = new Float64Array(BINS * MELS);
  const lo = hzToMel(20);
  const hi = hzToMel(4000);
  const edges = Array.from({ length: MELS + 2 }, (_, i) => lo + ((hi - lo) * i) / (MELS + 1));
  for (let b = 1; b < BINS; b++) {
    const mel = hzToMel((b * SR) / 2 / (BINS - 1));
    for (let m = 0; m < MELS; m++) {
      const [l, c, r] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
      w[b * MELS + m] = Math.max(0, Math.min((mel - l) / (c - l), (r - mel) / (r - c)));
    }
  }
  return w;
}

const MEL = melMatrix();
const HANN = Float64Array.from({ length: FRAME }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME));

const TW_RE = Float64Array.from({ length: NFFT / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / NFFT));
const TW_IM = Float64Array.from({ length: NFFT / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / NFFT));

/** In-place iterative radix-2 FFT of length NFFT (twiddles precomputed). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const stride = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = TW_RE[k * stride]!;
        const wi = TW_IM[k * stride]!;
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

function synthAudio(rng: Rng): Float64Array {
  const x = new Float64Array(SR);
  const noise = rng.range(0.0005, 0.01);
  for (let i = 0; i < SR; i++) x[i] = noise * rng.normal();
  const syllables = 1 + rng.int(3);
  for (let s = 0; s < syllables; s++) {
    const start = rng.int(SR / 2);
    const len = Math.floor(rng.range(0.1, 0.4) * SR);
    const f0 = rng.range(90, 260);
    const glide = rng.range(-0.4, 0.4);
    const amp = rng.range(0.02, 0.4);
    const formant = rng.range(300, 2500);
    let phase = 0;
    // harmonic weights change slowly with the glide: recomputed every 64 samples, negligible ones skipped
    const weights: [number, number][] = [];
    for (let i = 0; i < len && start + i < SR; i++) {
      const t = i / len;
      const f = f0 * (1 + glide * t);
      phase += (2 * Math.PI * f) / SR;
      if (i % 64 === 0) {
        weights.length = 0;
        for (let h = 1; h * f < 4000; h++) {
          const w = Math.exp(-(((h * f - formant) / 600) ** 2)) / h;
          if (w > 1e-3) weights.push([h, w]);
        }
      }
      let v = 0;
      for (const [h, w] of weights) v += Math.sin(h * phase) * w;
      x[start + i] += amp * Math.sin(Math.PI * t) * v;
    }
  }
  return x;
}

export function syntheticMfcc(rng: Rng): Float32Array {
  const audio = synthAudio(rng);
  const out = new Float32Array(FRAMES * COEFFS);
  const re = new Float64Array(NFFT);
  const im = new Float64Array(NFFT);
  const logMel = new Float64Array(MELS);
  for (let f = 0; f < FRAMES; f++) {
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < FRAME; n++) re[n] = audio[f * STEP + n]! * HANN[n]!;
    fft(re, im);
    logMel.fill(0);
    for (let b = 1; b < BINS; b++) {
      const mag = Math.hypot(re[b]!, im[b]!);
      for (let m = 0; m < MELS; m++) logMel[m] += mag * MEL[b * MELS + m]!;
    }
    for (let m = 0; m < MELS; m++) logMel[m] = Math.log(logMel[m]! + 1e-6);
    for (let k = 0; k < COEFFS; k++) {
      let sum = 0;
      for (let m = 0; m < MELS; m++) sum += logMel[m]! * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * MELS));
      out[f * COEFFS + k] = (2 * sum) / Math.sqrt(2 * MELS);
    }
  }
  return out;
}
