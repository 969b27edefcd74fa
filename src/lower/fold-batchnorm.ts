/**
 * Folds an eval-mode BatchNorm into the weights and bias of the layer before it:
 * y = gamma * (Wx + b - mean) / sqrt(var + eps) + beta  =  (W * s) x + (b - mean) * s + beta,  s = gamma / sqrt(var + eps).
 * Computed in float64 and rounded once, so the folded layer stays within float rounding of the two-step one.
 */
import type { BatchNorm2d } from "../nn/index.js";

export interface FoldedParams {
  weight: Float32Array;
  bias: Float32Array;
}

/**
 * `channelAxisInner`: true when the output channel is the innermost weight axis (depthwise 1HWO),
 * false when it is the outermost (conv OHWI, FC [out, in]).
 */
export function foldBatchNorm(weight: Float32Array, bias: Float32Array, bn: BatchNorm2d, channelAxisInner: boolean): FoldedParams {
  const c = bn.channels;
  const eps = bn.opts.eps ?? 1e-5;
  const gamma = bn.weight.values;
  const beta = bn.bias.values;
  const mean = bn.runningMean.data;
  const variance = bn.runningVar.data;
  const s = new Float64Array(c);
  for (let k = 0; k < c; k++) s[k] = gamma[k]! / Math.sqrt(variance[k]! + eps);
  const inner = weight.length / c;
  const w = new Float32Array(weight.length);
  for (let i = 0; i < weight.length; i++) {
    const k = channelAxisInner ? i % c : Math.floor(i / inner);
    w[i] = weight[i]! * s[k]!;
  }
  const b = new Float32Array(c);
  for (let k = 0; k < c; k++) b[k] = (bias[k]! - mean[k]!) * s[k]! + beta[k]!;
  return { weight: w, bias: b };
}
