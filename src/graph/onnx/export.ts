/**
 * ONNX export of the IR, so onnxruntime can run our models as a speed peer. int8 convolutions
 * become QLinearConv (the integer inputs TFLite uses); other quantized ops run in float between
 * DequantizeLinear and QuantizeLinear (the QDQ format onnxruntime fuses back to integer kernels).
 * Tensors are NHWC at the model's inputs and outputs, NCHW inside conv/pool chains.
 */
import { UnsupportedError } from "../../errors/index.js";
import type { Graph } from "../ir.js";
import { validateGraph } from "../topology.js";
import { OnnxContext } from "./context.js";
import { graphProto, modelProto, valueInfoProto } from "./onnx-proto.js";
import { LOWERINGS } from "./export-ops.js";
import { quantInputs, storageOf } from "./quant.js";

/** Opset 17: per-axis DequantizeLinear (13+), HardSwish (14+), ReduceMean with an axes attribute (< 18). */
const OPSET = 17;

export const ONNX_EXPORTABLE_OPS: readonly string[] = Object.keys(LOWERINGS);

export function writeOnnx(graph: Graph): Uint8Array {
  validateGraph(graph, "graph to export");
  const unsupported = [...new Set(graph.ops.map((op) => op.kind).filter((k) => !LOWERINGS[k]))];
  if (unsupported.length > 0) {
    throw new UnsupportedError(
      `ONNX export does not support ${unsupported.join(", ")}`,
      `exportable ops: ${ONNX_EXPORTABLE_OPS.join(", ")}`,
    );
  }
  const variable = graph.tensors.find((t) => t.isVariable);
  if (variable) {
    throw new UnsupportedError(`tensor ${variable.index} "${variable.name}" is a variable (state)`, "ONNX export handles stateless models");
  }
  const ctx = new OnnxContext(graph);
  const inputs = graph.inputs.map((i) => {
    const t = graph.tensors[i]!;
    const storage = storageOf(t);
    if (storage.dtype === t.dtype) return valueInfoProto(ctx.define(i, "plain"), t.dtype, t.shape);
    // The model takes the file's type; convert once to the storage type inside.
    const name = `input_${i}`;
    const real = ctx.apply("DequantizeLinear", [name, ...quantInputs(ctx, t, { dtype: t.dtype, zeroShift: 0 })]);
    ctx.node("QuantizeLinear", [real, ...quantInputs(ctx, t)], [ctx.define(i, "plain")]);
    return valueInfoProto(name, t.dtype, t.shape);
  });
  for (const op of graph.ops) LOWERINGS[op.kind]!(ctx, op);
  const outputs = graph.outputs.map((i) => {
    const t = graph.tensors[i]!;
    const value = ctx.value(i, "plain");
    const storage = storageOf(t);
    if (storage.dtype === t.dtype) return valueInfoProto(value, t.dtype, t.shape);
    const name = `output_${i}`;
    const real = ctx.apply("DequantizeLinear", [value, ...quantInputs(ctx, t)]);
    ctx.node("QuantizeLinear", [real, ...quantInputs(ctx, t, { dtype: t.dtype, zeroShift: 0 })], [name]);
    return valueInfoProto(name, t.dtype, t.shape);
  });
  const onnxGraph = graphProto({ name: graph.name || "main", nodes: ctx.nodes, initializers: ctx.initializers, inputs, outputs });
  return modelProto(onnxGraph, { "": OPSET }, graph.description ?? "");
}
