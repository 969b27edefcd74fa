/**
 * Normalisation over the channel-last layout: batchNorm (per channel over all other axes; train mode uses
 * batch statistics and updates the running ones in place, eval mode uses the running ones) and groupNorm
 * (per sample and channel group). Saved for backward: x with the mean when gamma needs a gradient or when x
 * does under batch statistics; 1/std and gamma when x needs a gradient (in eval mode that is all dx needs,
 * so a frozen BN in fine-tuning keeps no activation); nothing for beta, whose gradient is a sum of dy.
 * Statistics are accumulated in float64.
 */
import { ShapeError } from "../../errors/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

export interface BatchNormOptions {
  /** Running statistics, updated in place in training mode and used in eval mode. */
  runningMean: Float32Array;
  runningVar: Float32Array;
  training: boolean;
  /** Weight of the new batch statistic in the running average (PyTorch's convention), default 0.1. */
  momentum?: number;
  eps?: number;
}

function checkAffine(op: string, x: Variable, gamma: Variable, beta: Variable, c: number): void {
  for (const [name, v] of [["gamma", gamma], ["beta", beta]] as const) {
    if (v.shape.length !== 1 || v.shape[0] !== c) {
      throw new ShapeError(`${op}: ${name} ${formatShape(v.shape)} does not match input ${formatShape(x.shape)} with ${c} channels`, `pass ${name} of shape [${c}]`);
    }
  }
}

export function batchNorm(x: Variable, gamma: Variable, beta: Variable, opts: BatchNormOptions): Variable {
  const c = x.shape[x.shape.length - 1]!;
  checkAffine("batchNorm", x, gamma, beta, c);
  if (opts.runningMean.length !== c || opts.runningVar.length !== c) {
    throw new ShapeError(`batchNorm: running statistics have ${opts.runningMean.length} channels, input ${formatShape(x.shape)} has ${c}`, "use a BatchNorm sized for this input");
  }
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  const xv = x.values;
  const rows = xv.length / c;
  const mean = new Float32Array(c);
  const invStd = new Float32Array(c);
  if (opts.training) {
    if (rows < 2) {
      throw new ShapeError(`batchNorm: training needs more than one value per channel, got input ${formatShape(x.shape)}`, "use a batch larger than 1 or call eval()");
    }
    const sum = new Float64Array(c);
    const sumSq = new Float64Array(c);
    channelSums(xv, xv, c, sum, sumSq); // sums of x and of x * x
    for (let ch = 0; ch < c; ch++) {
      const m = sum[ch]! / rows;
      // float64 sums of f32 data: E[x^2] - m^2 loses nothing that matters at these magnitudes
      const variance = Math.max(sumSq[ch]! / rows - m * m, 0);
      mean[ch] = m;
      invStd[ch] = 1 / Math.sqrt(variance + eps);
      opts.runningMean[ch] = (1 - momentum) * opts.runningMean[ch]! + momentum * m;
      opts.runningVar[ch] = (1 - momentum) * opts.runningVar[ch]! + (momentum * variance * rows) / (rows - 1);
    }
  } else {
    mean.set(opts.runningMean);
    for (let ch = 0; ch < c; ch++) invStd[ch] = 1 / Math.sqrt(opts.runningVar[ch]! + eps);
  }
  const g = gamma.values;
  const bt = beta.values;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    scale[ch] = g[ch]! * invStd[ch]!;
    shift[ch] = bt[ch]! - mean[ch]! * scale[ch]!;
  }
  const y = new Float32Array(xv.length);
  channelScaleShift(xv, scale, shift, c, y);
  const needX = needsGrad(x);
  const needGamma = needsGrad(gamma);
  const needBeta = needsGrad(beta);
  const training = opts.training;
  // with batch statistics dx needs xhat; with running statistics (eval, frozen BN) dx = gamma * invStd * dy
  const keepX = needGamma || (needX && training);
  const saved = { x: keepX ? xv : null, mean: keepX ? mean : null, invStd: keepX || needX ? invStd : null, gamma: needX ? g : null };
  return recordOp("batchNorm", [x, gamma, beta], y, x.shape, saved, (dy, s) => {
    // sums of dy and of dy * x give dBeta and dGamma = sum dy * xhat = invStd * (sum dy x - mean * sum dy)
    const dBeta = new Float64Array(c);
    const dyX = new Float64Array(c);
    channelSums(dy, s.x ?? dy, c, dBeta, dyX);
    const dGamma = new Float32Array(c);
    if (s.x !== null) {
      for (let ch = 0; ch < c; ch++) dGamma[ch] = s.invStd![ch]! * (dyX[ch]! - s.mean![ch]! * dBeta[ch]!);
    }
    let dx: Float32Array | null = null;
    if (needX) {
      // dx = k1 * dy + k2 * xhat + k0, with xhat = (x - mean) * invStd folded into a * x + b
      const k1 = new Float32Array(c);
      const a = new Float32Array(c);
      const b = new Float32Array(c);
      for (let ch = 0; ch < c; ch++) {
        const k = s.gamma![ch]! * s.invStd![ch]!;
        k1[ch] = k;
        if (!training) continue;
        const k2 = (-k * dGamma[ch]!) / rows;
        const k0 = (-k * dBeta[ch]!) / rows;
        a[ch] = k2 * s.invStd![ch]!;
        b[ch] = k0 - k2 * s.invStd![ch]! * s.mean![ch]!;
      }
      dx = new Float32Array(dy.length);
      if (training) channelAffine(dy, k1, s.x!, a, b, c, dx);
      else channelScaleShift(dy, k1, b, c, dx); // b stays 0: running statistics are constants
    }
    return [dx, needGamma ? dGamma : null, needBeta ? Float32Array.from(dBeta) : null];
  });
}

/*
 * The per-channel passes below walk a channel-last array four channels at a time down a tile of rows,
 * keeping sums and coefficients in locals (registers) instead of read-modify-writing per-channel arrays:
 * 2-5x faster in V8 than the plain row-major double loop. Tiles of about 64 KB keep the strided rows in cache.
 */
const TILE_ELEMENTS = 16384;

function tileSize(c: number): number {
  return Math.max(1, Math.floor(TILE_ELEMENTS / c)) * c;
}

/** Per-channel sums of u and of u * v, accumulated in float64. */
function channelSums(u: Float32Array, v: Float32Array, c: number, sumU: Float64Array, sumUV: Float64Array): void {
  const n = u.length;
  const c4 = c & ~3;
  const tile = tileSize(c);
  for (let start = 0; start < n; start += tile) {
    const end = Math.min(start + tile, n);
    for (let ch = 0; ch < c4; ch += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      for (let o = start + ch; o < end; o += c) {
        const d0 = u[o]!, d1 = u[o + 1]!, d2 = u[o + 2]!, d3 = u[o + 3]!;
        s0 += d0; s1 += d1; s2 += d2; s3 += d3;
        p0 += d0 * v[o]!; p1 += d1 * v[o + 1]!; p2 += d2 * v[o + 2]!; p3 += d3 * v[o + 3]!;
      }
      sumU[ch] += s0; sumU[ch + 1] += s1; sumU[ch + 2] += s2; sumU[ch + 3] += s3;
      sumUV[ch] += p0; sumUV[ch + 1] += p1; sumUV[ch + 2] += p2; sumUV[ch + 3] += p3;
    }
    for (let ch = c4; ch < c; ch++) {
      let s0 = 0, p0 = 0;
      for (let o = start + ch; o < end; o += c) {
        const d0 = u[o]!;
        s0 += d0;
        p0 += d0 * v[o]!;
      }
      sumU[ch] += s0;
      sumUV[ch] += p0;
    }
  }
}

/** out = x * scale[ch] + shift[ch]. */
function channelScaleShift(x: Float32Array, scale: Float32Array, shift: Float32Array, c: number, out: Float32Array): void {
  const n = x.length;
  const c4 = c & ~3;
  const tile = tileSize(c);
  for (let start = 0; start < n; start += tile) {
    const end = Math.min(start + tile, n);
    for (let ch = 0; ch < c4; ch += 4) {
      const k0 = scale[ch]!, k1 = scale[ch + 1]!, k2 = scale[ch + 2]!, k3 = scale[ch + 3]!;
      const b0 = shift[ch]!, b1 = shift[ch + 1]!, b2 = shift[ch + 2]!, b3 = shift[ch + 3]!;
      for (let o = start + ch; o < end; o += c) {
        out[o] = x[o]! * k0 + b0;
        out[o + 1] = x[o + 1]! * k1 + b1;
        out[o + 2] = x[o + 2]! * k2 + b2;
        out[o + 3] = x[o + 3]! * k3 + b3;
      }
    }
    for (let ch = c4; ch < c; ch++) {
      const k0 = scale[ch]!, b0 = shift[ch]!;
      for (let o = start + ch; o < end; o += c) out[o] = x[o]! * k0 + b0;
    }
  }
}

/** out = k[ch] * u + a[ch] * v + b[ch]: one pass, per-channel coefficients. */
function channelAffine(u: Float32Array, k: Float32Array, v: Float32Array, a: Float32Array, b: Float32Array, c: number, out: Float32Array): void {
  const n = u.length;
  const c4 = c & ~3;
  const tile = tileSize(c);
  for (let start = 0; start < n; start += tile) {
    const end = Math.min(start + tile, n);
    for (let ch = 0; ch < c4; ch += 4) {
      const k0 = k[ch]!, k1 = k[ch + 1]!, k2 = k[ch + 2]!, k3 = k[ch + 3]!;
      const a0 = a[ch]!, a1 = a[ch + 1]!, a2 = a[ch + 2]!, a3 = a[ch + 3]!;
      const b0 = b[ch]!, b1 = b[ch + 1]!, b2 = b[ch + 2]!, b3 = b[ch + 3]!;
      for (let o = start + ch; o < end; o += c) {
        out[o] = k0 * u[o]! + a0 * v[o]! + b0;
        out[o + 1] = k1 * u[o + 1]! + a1 * v[o + 1]! + b1;
        out[o + 2] = k2 * u[o + 2]! + a2 * v[o + 2]! + b2;
        out[o + 3] = k3 * u[o + 3]! + a3 * v[o + 3]! + b3;
      }
    }
    for (let ch = c4; ch < c; ch++) {
      const k0 = k[ch]!, a0 = a[ch]!, b0 = b[ch]!;
      for (let o = start + ch; o < end; o += c) out[o] = k0 * u[o]! + a0 * v[o]! + b0;
    }
  }
}

/** Group normalisation: x is [N, ..., C]; each sample's channels split into `groups` contiguous groups. */
export function groupNorm(x: Variable, gamma: Variable, beta: Variable, groups: number, eps = 1e-5): Variable {
  const rank = x.shape.length;
  const c = x.shape[rank - 1]!;
  if (rank < 2 || !Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new ShapeError(`groupNorm: ${groups} groups do not divide the ${c} channels of input ${formatShape(x.shape)}`, "choose a group count that divides the channel count");
  }
  checkAffine("groupNorm", x, gamma, beta, c);
  const n = x.shape[0]!;
  const xv = x.values;
  const spatial = xv.length / (n * c);
  const cg = c / groups;
  const count = spatial * cg;
  const mean = new Float32Array(n * groups);
  const invStd = new Float32Array(n * groups);
  const g = gamma.values;
  const bt = beta.values;
  const y = new Float32Array(xv.length);
  for (let b = 0; b < n; b++) {
    const sampleBase = b * spatial * c;
    for (let grp = 0; grp < groups; grp++) {
      const c0 = grp * cg;
      let sum = 0;
      let sumSq = 0;
      for (let o = sampleBase + c0; o < sampleBase + spatial * c; o += c) {
        for (let j = 0; j < cg; j++) {
          const v = xv[o + j]!;
          sum += v;
          sumSq += v * v;
        }
      }
      const m = sum / count;
      const is = 1 / Math.sqrt(Math.max(sumSq / count - m * m, 0) + eps);
      mean[b * groups + grp] = m;
      invStd[b * groups + grp] = is;
      for (let o = sampleBase + c0; o < sampleBase + spatial * c; o += c) {
        for (let j = 0; j < cg; j++) y[o + j] = (xv[o + j]! - m) * is * g[c0 + j]! + bt[c0 + j]!;
      }
    }
  }
  const needX = needsGrad(x);
  const needGamma = needsGrad(gamma);
  const needBeta = needsGrad(beta);
  const keepStats = needX || needGamma;
  const saved = { x: keepStats ? xv : null, mean: keepStats ? mean : null, invStd: keepStats ? invStd : null, gamma: needX ? g : null };
  return recordOp("groupNorm", [x, gamma, beta], y, x.shape, saved, (dy, s) => {
    const dGamma = new Float64Array(c);
    const dBeta = new Float64Array(c);
    const dx = needX ? new Float32Array(dy.length) : null;
    const sx = s.x;
    const sg = s.gamma;
    for (let b = 0; b < n; b++) {
      const sampleBase = b * spatial * c;
      const end = sampleBase + spatial * c;
      for (let grp = 0; grp < groups; grp++) {
        const c0 = grp * cg;
        if (sx === null) {
          for (let o = sampleBase + c0; o < end; o += c) for (let j = 0; j < cg; j++) dBeta[c0 + j] += dy[o + j]!;
          continue;
        }
        const m = s.mean![b * groups + grp]!;
        const is = s.invStd![b * groups + grp]!;
        let sumG = 0; // sum of dy * gamma over the group
        let sumGX = 0; // sum of dy * gamma * xhat
        for (let o = sampleBase + c0; o < end; o += c) {
          for (let j = 0; j < cg; j++) {
            const d = dy[o + j]!;
            const xhat = (sx[o + j]! - m) * is;
            dBeta[c0 + j] += d;
            dGamma[c0 + j] += d * xhat;
            if (sg !== null) {
              const gd = d * sg[c0 + j]!;
              sumG += gd;
              sumGX += gd * xhat;
            }
          }
        }
        if (dx === null) continue;
        const k = is / count;
        for (let o = sampleBase + c0; o < end; o += c) {
          for (let j = 0; j < cg; j++) {
            const xhat = (sx[o + j]! - m) * is;
            dx[o + j] = k * (count * dy[o + j]! * sg![c0 + j]! - sumG - xhat * sumGX);
          }
        }
      }
    }
    return [dx, needGamma ? Float32Array.from(dGamma) : null, needBeta ? Float32Array.from(dBeta) : null];
  });
}
