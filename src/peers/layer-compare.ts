import type { CompiledModel } from "../engine/index.js";
import type { Graph, GraphTensor } from "../graph/index.js";
import { diffTensors, type DiffTolerance, type SampleQuant, type TensorDiff } from "./tensor-diff.js";

/**
 * Layer-by-layer comparison of our engine with a reference (the TFLite interpreter, or a float model).
 * For every op output it reports two differences:
 *  - propagated: our full run against the reference, what the user sees;
 *  - isolated: our op fed with the reference's own inputs, i.e. the op's own error, not inherited.
 * A layer whose propagated difference is large but whose isolated difference is small is only passing on
 * rounding from earlier layers; the first layer whose isolated difference is large computes differently.
 */

/** A reference value for one of our graph's tensors; `quant` when the values are quantized integers. */
export interface ReferenceTensor {
  readonly values: ArrayLike<number>;
  readonly quant?: SampleQuant;
}

/** Reference values keyed by tensor index in OUR graph (the caller aligns a different reference graph). */
export type ReferenceValues = ReadonlyMap<number, ReferenceTensor>;

export interface LayerComparison {
  readonly op: number;
  readonly kind: string;
  readonly tensor: number;
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly propagated: TensorDiff;
  readonly isolated?: TensorDiff;
  /** Whether the propagated difference is within the tolerance (no mismatching element). */
  readonly withinTolerance: boolean;
}

export interface LayerCompareOptions {
  readonly tolerance: DiffTolerance;
  /** Also run every op alone on the reference's inputs (costs about one more inference). */
  readonly isolate: boolean;
}

export function sampleQuantOf(t: GraphTensor): SampleQuant | undefined {
  const q = t.quant;
  if (t.dtype === "f32" || !q || q.scale.length !== 1) return undefined;
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
}

export class LayerComparer {
  constructor(
    private readonly graph: Graph,
    private readonly model: CompiledModel,
    private readonly options: LayerCompareOptions,
  ) {}

  compare(inputs: readonly ArrayLike<number>[], reference: ReferenceValues): LayerComparison[] {
    const captured = this.model.invoke(inputs, { capture: true }).intermediates ?? [];
    const layers: LayerComparison[] = [];
    for (const c of captured) {
      const ref = reference.get(c.tensor.index);
      if (!ref) continue; // the reference has no counterpart (e.g. an op the float model lacks)
      const ours = { values: c.data, quant: sampleQuantOf(c.tensor) };
      const tolerance = this.toleranceFor(ref);
      const propagated = diffTensors(ours, ref, tolerance);
      const isolated = this.options.isolate ? this.isolatedDiff(c.opIndex, c.tensor, reference, tolerance) : undefined;
      layers.push({
        op: c.opIndex,
        kind: c.opKind,
        tensor: c.tensor.index,
        name: c.tensor.name,
        dtype: c.tensor.dtype,
        shape: [...c.tensor.shape],
        propagated,
        ...(isolated ? { isolated } : {}),
        withinTolerance: propagated.mismatches === 0,
      });
    }
    return layers;
  }

  /** Float tolerances are relative to the tensor's largest magnitude, so near-zero elements do not dominate. */
  private toleranceFor(ref: ReferenceTensor): DiffTolerance {
    const t = this.options.tolerance;
    if (ref.quant) return t;
    let peak = 0;
    for (let i = 0; i < ref.values.length; i++) peak = Math.max(peak, Math.abs(ref.values[i]!));
    return { lsb: t.lsb, abs: Math.max(t.abs, t.rel * peak), rel: t.rel };
  }

  private isolatedDiff(opIndex: number, output: GraphTensor, reference: ReferenceValues, tolerance: DiffTolerance): TensorDiff | undefined {
    const op = this.graph.ops[opIndex]!;
    const feeds: ArrayLike<number>[] = [];
    for (const t of op.inputs) {
      if (t < 0 || this.graph.tensors[t]!.data) continue; // constants come from the model itself
      const ref = reference.get(t);
      if (!ref) return undefined;
      feeds.push(toTensorType(this.graph.tensors[t]!, ref));
    }
    const outputs = this.model.runOp(opIndex, feeds);
    const ref = reference.get(output.index)!;
    return diffTensors({ values: outputs[op.outputs.indexOf(output.index)]!, quant: sampleQuantOf(output) }, ref, tolerance);
  }
}

/** Reference values as an array our tensor can take: quantized with its parameters when the reference is real-valued. */
function toTensorType(t: GraphTensor, ref: ReferenceTensor): Float32Array | Int8Array | Int32Array {
  const real = (v: number): number => (ref.quant ? ref.quant.scale * (v - ref.quant.zeroPoint) : v);
  if (t.dtype === "f32") return Float32Array.from(ref.values, real);
  const isReal = !ref.quant && (ref.values instanceof Float32Array || ref.values instanceof Float64Array);
  const q = sampleQuantOf(t);
  const [lo, hi] = t.dtype === "i8" ? [-128, 127] : [-(2 ** 31), 2 ** 31 - 1];
  const convert = isReal && q ? (v: number) => Math.min(hi, Math.max(lo, Math.round(v / q.scale) + q.zeroPoint)) : (v: number) => v;
  return t.dtype === "i8" ? Int8Array.from(ref.values, convert) : Int32Array.from(ref.values, convert);
}

/** The first layer whose propagated difference exceeds the tolerance. */
export function firstDivergence(layers: readonly LayerComparison[]): LayerComparison | undefined {
  return layers.find((l) => !l.withinTolerance);
}

/** The first layer with any difference at all. */
export function firstDifference(layers: readonly LayerComparison[]): LayerComparison | undefined {
  return layers.find((l) => l.propagated.maxAbsDiff > 0 || Number.isNaN(l.propagated.maxAbsDiff));
}
