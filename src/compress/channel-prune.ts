/**
 * Structured channel pruning (Li et al., "Pruning Filters for Efficient ConvNets"): removes whole output
 * channels (the rows of a Linear weight, the filters of a Conv2d) with the smallest L1 norms, for real: the
 * returned model has smaller layers, and the next layer loses the matching inputs (Linear columns, Conv2d
 * input channels, or every spatial position's columns after a Flatten of NHWC maps). Works on Sequential
 * chains of Linear, Conv2d (groups 1), ReLU, ReLU6, MaxPool2d, AvgPool2d and Flatten; the last weight layer
 * keeps its outputs (they are the classes). Layer names are kept, so parameter names stay the same.
 */
import { ArgumentError, UnsupportedError } from "../errors/index.js";
import { AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, ReLU6, Sequential, type Module } from "../nn/index.js";
import { Rng } from "../tensor/index.js";
import { checkPruneRate } from "./prune.js";

export interface ChannelPruneResult {
  model: Sequential;
  /** Kept output channels (ascending) per pruned layer name. */
  kept: Map<string, number[]>;
}

/** `rates`: fraction of output channels to remove, by layer name (e.g. "fc1", "conv1"); others keep all. */
export function pruneChannels(model: Sequential, rates: ReadonlyMap<string, number>): ChannelPruneResult {
  for (const [name, rate] of rates) checkPruneRate(rate, `channel pruning rate for "${name}"`);
  const entries = model.namedModules().filter(([path]) => path !== "" && !path.includes("."));
  const weightLayers = entries.filter(([, m]) => m instanceof Linear || m instanceof Conv2d).map(([p]) => p);
  const last = weightLayers[weightLayers.length - 1];
  if (last !== undefined && (rates.get(last) ?? 0) > 0) {
    throw new ArgumentError(`channel pruning cannot remove outputs of the last layer "${last}"`, "prune only hidden layers");
  }
  const dummy = new Rng(0); // new layers are overwritten with the kept weights
  const kept = new Map<string, number[]>();
  let incoming: number[] | null = null; // channels the previous weight layer kept
  let flattenFrom = 0; // channels before a Flatten (0: no Flatten since the last weight layer)
  let prevOut = 0; // the previous weight layer's original output count
  const layers: [string, Module][] = [];
  for (const [name, m] of entries) {
    if (m instanceof Linear || m instanceof Conv2d) {
      const outCount = m instanceof Linear ? m.outFeatures : m.outChannels;
      const keepOut = selectChannels(m.weight.values, outCount, rates.get(name) ?? 0);
      const inputs = inputIndices(m, incoming, flattenFrom);
      layers.push([name, rebuild(m, keepOut, inputs, dummy)]);
      if (keepOut.length < outCount) kept.set(name, keepOut);
      incoming = keepOut.length < outCount ? keepOut : null;
      flattenFrom = 0;
      prevOut = outCount;
    } else if (m instanceof ReLU) layers.push([name, new ReLU()]);
    else if (m instanceof ReLU6) layers.push([name, new ReLU6()]);
    else if (m instanceof MaxPool2d) layers.push([name, new MaxPool2d(m.kernel, m.stride, m.padding)]);
    else if (m instanceof AvgPool2d) layers.push([name, new AvgPool2d(m.kernel, m.stride, m.padding)]);
    else if (m instanceof Flatten) {
      layers.push([name, new Flatten()]);
      flattenFrom = prevOut;
    } else {
      throw new UnsupportedError(`channel pruning does not handle ${m.label}`, "use a Sequential of Linear, Conv2d, ReLU, pooling and Flatten layers");
    }
  }
  return { model: new Sequential(layers), kept };
}

/** Output channels to keep: all but the round(rate * count) with the smallest L1 norms (ties: lower index pruned). */
function selectChannels(w: Float32Array, count: number, rate: number): number[] {
  const per = w.length / count;
  const norms = Array.from({ length: count }, (_, c) => {
    let s = 0;
    for (let i = c * per; i < (c + 1) * per; i++) s += Math.abs(w[i]!);
    return s;
  });
  const order = norms.map((_, c) => c).sort((a, b) => norms[a]! - norms[b]! || a - b);
  const removed = new Set(order.slice(0, Math.min(count - 1, Math.round(rate * count))));
  return norms.map((_, c) => c).filter((c) => !removed.has(c));
}

/** Which input positions of `m` survive: all, the kept channels, or (after a Flatten) every position's kept channels. */
function inputIndices(m: Linear | Conv2d, incoming: number[] | null, flattenFrom: number): number[] | null {
  if (incoming === null) return null;
  if (m instanceof Conv2d) {
    if (m.groups !== 1) throw new UnsupportedError(`channel pruning does not handle grouped ${m.label}`, "use groups 1");
    return incoming;
  }
  if (flattenFrom === 0) return incoming;
  const positions = m.inFeatures / flattenFrom;
  const out: number[] = [];
  for (let p = 0; p < positions; p++) for (const c of incoming) out.push(p * flattenFrom + c);
  return out;
}

function rebuild(m: Linear | Conv2d, keepOut: number[], inputs: number[] | null, rng: Rng): Linear | Conv2d {
  const oldIn = m instanceof Linear ? m.inFeatures : m.inChannels;
  const keepIn = inputs ?? Array.from({ length: oldIn }, (_, i) => i);
  // keepIn: kept input channels (conv, or a Linear right after a Linear) or kept flattened features (a Linear
  // after Flatten: every spatial position's kept channels, in NHWC order)
  const next =
    m instanceof Linear
      ? new Linear(keepIn.length, keepOut.length, rng, { bias: m.bias !== null })
      : new Conv2d(keepIn.length, keepOut.length, m.kernel, rng, { stride: m.stride, padding: m.padding, dilation: m.dilation, bias: m.bias !== null });
  const src = m.weight.values;
  const dst = next.weight.values;
  const rowIn = m instanceof Linear ? oldIn : m.kernel[0] * m.kernel[1] * oldIn; // OHWI: the last axis is the input channel
  const taps = m instanceof Linear ? 1 : m.kernel[0] * m.kernel[1];
  let at = 0;
  for (const o of keepOut) {
    for (let t = 0; t < taps; t++) {
      for (const i of keepIn) dst[at++] = src[o * rowIn + t * oldIn + i]!;
    }
  }
  if (m.bias !== null) keepOut.forEach((o, j) => (next.bias!.values[j] = m.bias!.values[o]!));
  return next;
}
