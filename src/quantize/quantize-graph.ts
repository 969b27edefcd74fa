/**
 * Float graph + calibrated ranges -> full-integer int8 graph, TFLite's scheme: int8 input and output (as
 * the converter writes with inference_input_type/output_type = int8, and as the MLPerf Tiny int8 models ship:
 * no QUANTIZE/DEQUANTIZE at the ends), per-channel weights for CONV_2D (axis 0) and DEPTHWISE_CONV_2D (axis 3),
 * per-tensor weights for FULLY_CONNECTED, int32 bias. Each op's output follows op-rules.ts: calibrated,
 * the input's parameters, fixed (SOFTMAX, LOGISTIC: 1/256, -128), or shared by a CONCATENATION and its inputs
 * (ranges unified first; an input that still differs gets a QUANTIZE int8 -> int8 in front of the concat).
 * Float constants feeding ADD/MUL/CONCATENATION/PADV2 become int8 constants.
 */
import { UnsupportedError } from "../errors/index.js";
import { constantAsFloat32, type Graph, type GraphOp, type GraphTensor, type QuantParams } from "../graph/index.js";
import type { Ranges } from "./calibrate.js";
import { unifyConcatRanges } from "./concat-ranges.js";
import { INT8_RULES, quantizableOps, REQUANTIZE_VERSION, type OpRule } from "./op-rules.js";
import { activationQuant, quantizeBias, quantizeTensor, quantizeWeights } from "./quant-params.js";

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

function copyQuant(q: QuantParams): QuantParams {
  return { scale: [...q.scale], zeroPoint: [...q.zeroPoint], quantizedDimension: 0 };
}

function sameQuant(a: QuantParams, b: QuantParams): boolean {
  return a.scale[0] === b.scale[0] && a.zeroPoint[0] === b.zeroPoint[0];
}

/** The op's rule, or a typed error naming the op, its output (the layer) and what is supported. */
export function ruleFor(graph: Graph, op: GraphOp): OpRule {
  const rule = INT8_RULES[op.kind];
  if (!rule) {
    throw new UnsupportedError(
      `${describeOp(graph, op)} cannot be quantized to int8 by dietml`,
      `supported: ${quantizableOps()}; replace this layer or keep the model in float`,
    );
  }
  return rule;
}

/** Every op quantizable, checked before the (slow) calibration so the error comes at once. */
export function checkQuantizable(graph: Graph): void {
  for (const op of graph.ops) ruleFor(graph, op);
}

export function quantizeGraph(graph: Graph, calibrated: Ranges): Graph {
  checkQuantizable(graph);
  const ranges = unifyConcatRanges(graph, calibrated);
  const tensors: GraphTensor[] = graph.tensors.map((t) => ({ ...t, shape: [...t.shape] }));
  const ops: GraphOp[] = [];
  const activation = (index: number, where: string): QuantParams => {
    const r = ranges.get(index);
    if (!r) throw new UnsupportedError(`${where}: tensor "${graph.tensors[index]!.name}" has no calibrated range`, "calibrate on the same float graph that is being quantized");
    return activationQuant(r[0], r[1]);
  };
  const quantizeConstant = (index: number, q: QuantParams) => {
    const t = tensors[index]!;
    Object.assign(t, { dtype: "i8", data: int8Bytes(quantizeTensor(constantAsFloat32(graph.tensors[index]!), q)), quant: copyQuant(q) });
  };
  /** A float constant operand of ADD/MUL gets its own per-tensor range, as the converter gives it. */
  const quantizeOwnRange = (index: number) => {
    const v = constantAsFloat32(graph.tensors[index]!);
    quantizeConstant(index, activationQuant(v.reduce((a, b) => Math.min(a, b), 0), v.reduce((a, b) => Math.max(a, b), 0)));
  };
  /** A new int8 tensor holding `source` requantized to `q`, computed by a QUANTIZE op appended now. */
  const requantized = (source: number, q: QuantParams): number => {
    const index = tensors.length;
    const s = tensors[source]!;
    tensors.push({ index, name: `${s.name}/requantized`, shape: [...s.shape], dtype: "i8", quant: copyQuant(q) });
    ops.push({ index: ops.length, kind: "QUANTIZE", version: REQUANTIZE_VERSION, inputs: [source], outputs: [index], options: { type: "None" } });
    return index;
  };
  for (const i of graph.inputs) Object.assign(tensors[i]!, { dtype: "i8", quant: activation(i, "model input") });

  for (const op of graph.ops) {
    const where = describeOp(graph, op);
    const rule = ruleFor(graph, op);
    const input = tensors[op.inputs[0]!]!;
    const inputs = [...op.inputs];
    if (input.dtype !== "i8" || input.data) {
      throw new UnsupportedError(`${where}: its input "${input.name}" is not a float activation`, "quantize a float graph (dequantize hybrid weights first with dequantizeWeights)");
    }
    const out = tensors[op.outputs[0]!]!;
    const isFloatConstant = (i: number) => i >= 0 && tensors[i]!.data !== undefined && tensors[i]!.dtype === "f32";
    if (rule.weightAxis !== undefined) {
      const wt = tensors[op.inputs[1]!]!;
      const w = quantizeWeights(constantAsFloat32(graph.tensors[wt.index]!), wt.shape, rule.weightAxis);
      Object.assign(wt, { dtype: "i8", data: int8Bytes(w.values), quant: w.quant });
      const biasIndex = op.inputs[2] ?? -1;
      if (biasIndex >= 0) {
        const b = quantizeBias(constantAsFloat32(graph.tensors[biasIndex]!), input.quant!.scale[0]!, w.quant.scale);
        Object.assign(tensors[biasIndex]!, { dtype: "i32", data: int32Bytes(b.values), quant: b.quant });
      }
    } else if (op.kind === "CONCATENATION") {
      const shared = activation(out.index, where);
      inputs.forEach((i, k) => {
        if (isFloatConstant(i)) quantizeConstant(i, shared);
        else if (!sameQuant(tensors[i]!.quant!, shared)) inputs[k] = requantized(i, shared);
      });
    } else if (op.kind === "PADV2" && isFloatConstant(op.inputs[2] ?? -1)) {
      quantizeConstant(op.inputs[2]!, input.quant!);
    } else {
      for (const i of op.inputs.slice(1)) if (isFloatConstant(i)) quantizeOwnRange(i);
    }
    for (const i of inputs.slice(1)) {
      const t = tensors[i] ?? null;
      if (t && !t.data && t.dtype !== "i8") throw new UnsupportedError(`${where}: input "${t.name}" is not quantized yet`, "the graph must be in execution order");
    }
    const o = rule.output;
    const quant =
      o.kind === "same-as-input" ? copyQuant(input.quant!)
      : o.kind === "fixed" ? { scale: [o.scale], zeroPoint: [o.zeroPoint], quantizedDimension: 0 }
      : activation(out.index, where);
    Object.assign(out, { dtype: "i8", quant });
    ops.push({ ...op, index: ops.length, version: rule.version, inputs, outputs: [...op.outputs] });
  }
  return { ...graph, tensors, ops, description: "dietml quantize (int8 PTQ)" };
}
