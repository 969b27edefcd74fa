import { prepareModel, type CompiledModel } from "../engine/index.js";
import { ArgumentError, UnsupportedError } from "../errors/index.js";
import type { Graph } from "../graph/index.js";
import { sampleQuantOf, type ReferenceTensor } from "./layer-compare.js";

/**
 * A float model as the reference for its quantized twin ("why does my int8 output differ from float?").
 * The two graphs are aligned op by op after dropping QUANTIZE/DEQUANTIZE (which only the quantized model
 * has at its edges); the float model runs on our engine's f32 kernels, fed the dequantized int8 input.
 */

const CONVERSIONS = new Set(["QUANTIZE", "DEQUANTIZE"]);

/** Pairs [quantized op index, float op index] of ops that compute the same layer. */
export function alignOps(quantized: Graph, float: Graph, floatSource = "float model"): [number, number][] {
  const q = quantized.ops.filter((op) => !CONVERSIONS.has(op.kind));
  const f = float.ops.filter((op) => !CONVERSIONS.has(op.kind));
  const pairs: [number, number][] = [];
  for (let i = 0; i < Math.min(q.length, f.length); i++) {
    if (q[i]!.kind !== f[i]!.kind) {
      throw new UnsupportedError(
        `cannot align the models: layer ${i} is op ${q[i]!.index} (${q[i]!.kind}) in the int8 model but op ${f[i]!.index} (${f[i]!.kind}) in ${floatSource}`,
        "pass the float model the int8 model was quantized from (same layers in the same order)",
      );
    }
    pairs.push([q[i]!.index, f[i]!.index]);
  }
  if (q.length !== f.length) {
    throw new UnsupportedError(
      `cannot align the models: the int8 model has ${q.length} layers (besides QUANTIZE/DEQUANTIZE), ${floatSource} has ${f.length}`,
      "pass the float model the int8 model was quantized from (same layers in the same order)",
    );
  }
  return pairs;
}

export class FloatReference {
  private constructor(
    private readonly quantized: Graph,
    private readonly float: Graph,
    private readonly model: CompiledModel,
    private readonly pairs: [number, number][],
  ) {}

  static create(quantized: Graph, float: Graph, floatSource = "float model"): FloatReference {
    if (quantized.inputs.length !== float.inputs.length) {
      throw new ArgumentError(
        `the int8 model has ${quantized.inputs.length} input(s) but ${floatSource} has ${float.inputs.length}`,
        "pass the float model the int8 model was quantized from",
      );
    }
    for (const t of float.inputs.map((i) => float.tensors[i]!)) {
      if (t.dtype !== "f32") {
        throw new ArgumentError(`${floatSource}: input "${t.name}" is ${t.dtype}, not float32`, "--float-model must be the float32 model");
      }
    }
    const pairs = alignOps(quantized, float, floatSource);
    return new FloatReference(quantized, float, prepareModel(float, { source: floatSource }), pairs);
  }

  /** Float values for the quantized graph's inputs and op outputs, keyed by the quantized graph's tensor index. */
  run(inputs: readonly ArrayLike<number>[]): Map<number, ReferenceTensor> {
    const floatInputs = this.quantized.inputs.map((t, i) => {
      const q = sampleQuantOf(this.quantized.tensors[t]!);
      const x = inputs[i]!;
      return q ? Float32Array.from(x, (v) => q.scale * (v - q.zeroPoint)) : Float32Array.from(x);
    });
    const captured = this.model.invoke(floatInputs, { capture: true }).intermediates ?? [];
    const byTensor = new Map(captured.map((c) => [c.tensor.index, c.data]));
    const values = new Map<number, ReferenceTensor>();
    this.quantized.inputs.forEach((t, i) => values.set(t, { values: floatInputs[i]! }));
    for (const [qOp, fOp] of this.pairs) {
      const qOuts = this.quantized.ops[qOp]!.outputs;
      const fOuts = this.float.ops[fOp]!.outputs;
      qOuts.forEach((t, k) => {
        const v = fOuts[k] === undefined ? undefined : byTensor.get(fOuts[k]!);
        if (v && v.length === this.quantized.tensors[t]!.shape.reduce((a, b) => a * b, 1)) values.set(t, { values: v });
      });
    }
    return values;
  }
}
