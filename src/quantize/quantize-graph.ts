/**
 * Float graph + calibrated ranges -> full-integer int8 graph, TFLite's scheme: int8 input and output (as
 * the converter writes with inference_input_type/output_type = int8, and as the MLPerf Tiny int8 models ship:
 * no QUANTIZE/DEQUANTIZE ops), per-channel weights for CONV_2D (axis 0) and DEPTHWISE_CONV_2D (axis 3),
 * per-tensor weights for FULLY_CONNECTED, int32 bias. Ops that must keep their input's parameters (pools,
 * RESHAPE) do; SOFTMAX outputs scale 1/256, zero point -128. Op versions are those the converter gives the
 * int8 variants.
 */
import { UnsupportedError } from "../errors/index.js";
import { constantAsFloat32, type Graph, type GraphOp, type GraphTensor, type QuantParams } from "../graph/index.js";
import type { Ranges } from "./calibrate.js";
import { activationQuant, quantizeBias, quantizeWeights } from "./quant-params.js";

const INT8_VERSION: Record<string, number> = {
  CONV_2D: 3, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 4, MAX_POOL_2D: 2, AVERAGE_POOL_2D: 2, RESHAPE: 1, ADD: 2, SOFTMAX: 2, MEAN: 2, RELU: 2, RELU6: 2,
};
const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);
const SAME_AS_INPUT = new Set(["MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE"]);

function int8Bytes(v: Int8Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

function int32Bytes(v: Int32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setInt32(4 * i, v[i]!, true);
  return out;
}

function describeOp(graph: Graph, op: GraphOp): string {
  return `op ${op.index} ${op.kind} (output "${graph.tensors[op.outputs[0]!]!.name}")`;
}

export function quantizeGraph(graph: Graph, ranges: Ranges): Graph {
  const tensors: GraphTensor[] = graph.tensors.map((t) => ({ ...t, shape: [...t.shape] }));
  const activation = (index: number, where: string): QuantParams => {
    const r = ranges.get(index);
    if (!r) throw new UnsupportedError(`${where}: tensor "${graph.tensors[index]!.name}" has no calibrated range`, "calibrate on the same float graph that is being quantized");
    return activationQuant(r[0], r[1]);
  };
  for (const i of graph.inputs) Object.assign(tensors[i]!, { dtype: "i8", quant: activation(i, "model input") });

  const ops: GraphOp[] = graph.ops.map((op) => {
    const where = describeOp(graph, op);
    const input = tensors[op.inputs[0]!]!;
    if (input.dtype !== "i8" || input.data) {
      throw new UnsupportedError(`${where}: its input "${input.name}" is not a float activation`, "quantize a float graph (dequantize hybrid weights first with dequantizeWeights)");
    }
    const out = tensors[op.outputs[0]!]!;
    if (WEIGHTED.has(op.kind)) {
      const wt = tensors[op.inputs[1]!]!;
      const axis = op.kind === "CONV_2D" ? 0 : op.kind === "DEPTHWISE_CONV_2D" ? 3 : null;
      const w = quantizeWeights(constantAsFloat32(graph.tensors[wt.index]!), wt.shape, axis);
      Object.assign(wt, { dtype: "i8", data: int8Bytes(w.values), quant: w.quant });
      const biasIndex = op.inputs[2] ?? -1;
      if (biasIndex >= 0) {
        const bt = tensors[biasIndex]!;
        const b = quantizeBias(constantAsFloat32(graph.tensors[biasIndex]!), input.quant!.scale[0]!, w.quant.scale);
        Object.assign(bt, { dtype: "i32", data: int32Bytes(b.values), quant: b.quant });
      }
      Object.assign(out, { dtype: "i8", quant: activation(out.index, where) });
    } else if (SAME_AS_INPUT.has(op.kind)) {
      const q = input.quant!;
      Object.assign(out, { dtype: "i8", quant: { scale: [...q.scale], zeroPoint: [...q.zeroPoint], quantizedDimension: 0 } });
    } else if (op.kind === "SOFTMAX") {
      Object.assign(out, { dtype: "i8", quant: { scale: [1 / 256], zeroPoint: [-128], quantizedDimension: 0 } });
    } else if (op.kind in INT8_VERSION) {
      for (const i of op.inputs.slice(1)) {
        const t = tensors[i]!;
        if (i >= 0 && !t.data && t.dtype !== "i8") throw new UnsupportedError(`${where}: input "${t.name}" is not quantized yet`, "the graph must be in execution order");
      }
      Object.assign(out, { dtype: "i8", quant: activation(out.index, where) });
    } else {
      throw new UnsupportedError(
        `${where} cannot be quantized to int8 by dietml`,
        `supported: ${Object.keys(INT8_VERSION).join(", ")}; replace this layer or keep the model in float`,
      );
    }
    return { ...op, version: INT8_VERSION[op.kind]!, inputs: [...op.inputs], outputs: [...op.outputs] };
  });
  return { ...graph, tensors, ops, description: "dietml quantize (int8 PTQ)" };
}
