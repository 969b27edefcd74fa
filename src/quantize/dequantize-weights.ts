/**
 * Hybrid float models (e.g. kws_ref_model_float32: int8 weights, float activations) -> plain float graphs,
 * so they can be calibrated and re-quantized like any float model: quantized constants feeding float ops
 * become float32 constants of their real values, and DEQUANTIZE ops of constants (int8 with scales, or float16
 * weights) are folded away.
 */
import { constantAsReal, type Graph, type GraphTensor } from "../graph/index.js";
import { decodeFloat16 } from "../kernels/int8/half.js";

function float32Bytes(v: Float32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(4 * i, v[i]!, true);
  return out;
}

function asFloat(t: GraphTensor): GraphTensor {
  const { quant: _q, ...rest } = t;
  const real = t.dtype === "f16" ? decodeFloat16(t.data!) : constantAsReal(t);
  return { ...rest, dtype: "f32", data: float32Bytes(real) };
}

export function dequantizeWeights(graph: Graph): Graph {
  const tensors = graph.tensors.map((t) => ({ ...t }));
  const ops = [];
  for (const op of graph.ops) {
    const src = tensors[op.inputs[0]!];
    if (op.kind === "DEQUANTIZE" && src?.data) {
      // The output becomes the constant; consumers keep pointing at it.
      tensors[op.outputs[0]!] = { ...asFloat(src), index: op.outputs[0]!, name: tensors[op.outputs[0]!]!.name, shape: [...tensors[op.outputs[0]!]!.shape] };
      continue;
    }
    for (const i of op.inputs) {
      const t = i >= 0 ? tensors[i]! : null;
      if (t?.data && t.quant && t.dtype !== "f32" && src?.dtype === "f32") tensors[i] = asFloat(t);
    }
    ops.push({ ...op, index: ops.length });
  }
  return { ...graph, tensors, ops };
}
