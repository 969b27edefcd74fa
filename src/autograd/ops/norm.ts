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
    channelMoments(xv, c, sum, sumSq);
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

/** Per-channel sums of x and of x * x (float64). */
function channelMoments(x: Float32Array, c: number, sum: Float64Array, sumSq: Float64Array): void {
  const n = x.length;
  for (let o = 0; o < n; o += c) {
    for (let ch = 0; ch < c; ch++) {
      const v = x[o + ch]!;
      sum[ch] += v;
      sumSq[ch] += v * v;
    }
  }
}

/** out = x * scale[ch] + shift[ch]. */
function channelScaleShift(x: Float32Array, scale: Float32Array, shift: Float32Array, c: number, out: Float32Array): void {
  const n = x.length;
  for (let o = 0; o < n; o += c) {
    for (let ch = 0; ch < c; ch++) out[o + ch] = x[o + ch]! * scale[ch]! + shift[ch]!;
  }
}

/** Per-channel sums of u and of u * v over a channel-last array, accumulated in float64. */
function channelSums(u: Float32Array, v: Float32Array, c: number, sumU: Float64Array, sumUV: Float64Array): void {
  const n = u.length;
  for (let o = 0; o < n; o += c) {
    for (let ch = 0; ch < c; ch++) {
      const d = u[o + ch]!;
      sumU[ch] += d;
      sumUV[ch] += d * v[o + ch]!;
    }
  }
}

/** out = k[ch] * u + a[ch] * v + b[ch] over a channel-last array: one pass, per-channel coefficients. */
function channelAffine(u: Float32Array, k: Float32Array, v: Float32Array, a: Float32Array, b: Float32Array, c: number, out: Float32Array): void {
  const n = u.length;
  for (let o = 0; o < n; o += c) {
    for (let ch = 0; ch < c; ch++) out[o + ch] = k[ch]! * u[o + ch]! + a[ch]! * v[o + ch]! + b[ch]!;
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
