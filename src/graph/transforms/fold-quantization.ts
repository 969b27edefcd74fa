/**
 * Turns a QDQ graph (float ops between DEQUANTIZE and QUANTIZE, as ONNX quantized models are
 * written) into integer ops, the form TFLite and our engine run:
 *   1. uint8 activations become int8 with the zero point moved down by 128 (same real values);
 *   2. a QUANTIZE that re-quantizes a DEQUANTIZE's input with the same parameters is dropped;
 *   3. DEQUANTIZE -> op -> QUANTIZE becomes the op on the integer tensors;
 *   4. ops left in float that still hold integer weights get them as float (no hybrid ops).
 * A graph without QUANTIZE/DEQUANTIZE ops is returned unchanged.
 */
import { constantAsReal } from "../constants.js";
import type { Graph, GraphOp, GraphTensor } from "../ir.js";
import { consumersOf, producersOf } from "../topology.js";
import { compactGraph } from "./compact.js";

const sameQuant = (a: GraphTensor, b: GraphTensor) =>
  a.dtype === b.dtype &&
  a.quant !== undefined &&
  b.quant !== undefined &&
  a.quant.scale.length === 1 &&
  b.quant.scale.length === 1 &&
  Math.fround(a.quant.scale[0]!) === Math.fround(b.quant.scale[0]!) &&
  a.quant.zeroPoint[0] === b.quant.zeroPoint[0];

export function foldQuantization(input: Graph): Graph {
  if (!input.ops.some((op) => op.kind === "QUANTIZE" || op.kind === "DEQUANTIZE")) return input;
  const graph: Graph = { ...input, tensors: input.tensors.map((t) => ({ ...t })), ops: input.ops.map((op) => ({ ...op, inputs: [...op.inputs], outputs: [...op.outputs] })) };
  const tensors = graph.tensors;

  for (const t of tensors) {
    if (!t.data && t.dtype === "u8" && t.quant) {
      t.dtype = "i8";
      t.quant = { ...t.quant, zeroPoint: t.quant.zeroPoint.map((z) => z - 128) };
    }
  }

  const dropped = new Set<number>();
  const rename = (from: number, to: number) => {
    for (const op of graph.ops) op.inputs = op.inputs.map((t) => (t === from ? to : t));
    graph.outputs = graph.outputs.map((t) => (t === from ? to : t));
  };
  let producer = producersOf(graph);
  const dequantSource = (t: number): number | undefined => {
    const p = producer[t]!;
    return p >= 0 && graph.ops[p]!.kind === "DEQUANTIZE" && !dropped.has(p) ? graph.ops[p]!.inputs[0] : undefined;
  };

  for (const op of graph.ops) {
    if (op.kind !== "QUANTIZE") continue;
    const src = dequantSource(op.inputs[0]!);
    if (src !== undefined && sameQuant(tensors[src]!, tensors[op.outputs[0]!]!)) {
      rename(op.outputs[0]!, src);
      dropped.add(op.index);
    }
  }

  producer = producersOf(graph);
  const consumers = consumersOf(graph);
  const outputs = new Set(graph.outputs);
  for (const op of graph.ops) {
    if (op.kind === "QUANTIZE" || op.kind === "DEQUANTIZE" || dropped.has(op.index) || op.outputs.length !== 1) continue;
    const out = op.outputs[0]!;
    const readers = consumers[out]!.filter((c) => !dropped.has(c));
    const q = readers.length === 1 ? graph.ops[readers[0]!]! : undefined;
    if (!q || q.kind !== "QUANTIZE" || outputs.has(out)) continue;
    const inputs = op.inputs.map((t) => {
      if (t < 0) return t;
      if (tensors[t]!.data) return tensors[t]!.dtype === "f32" ? undefined : t;
      return dequantSource(t);
    });
    if (inputs.some((t) => t === undefined)) continue;
    op.inputs = inputs as number[];
    op.outputs = [q.outputs[0]!];
    dropped.add(q.index);
  }

  const readers = consumersOf({ ...graph, ops: graph.ops.filter((op) => !dropped.has(op.index)) });
  for (const op of graph.ops) {
    if (op.kind === "DEQUANTIZE" && readers[op.outputs[0]!]!.length === 0 && !graph.outputs.includes(op.outputs[0]!)) dropped.add(op.index);
  }
  const ops = graph.ops.filter((op) => !dropped.has(op.index)).map((op, i) => ({ ...op, index: i }));
  return compactGraph(dehybridize({ ...graph, ops }));
}

/** Float ops keep float weights: integer constants they read are replaced by their real values. */
function dehybridize(graph: Graph): Graph {
  const extra: GraphTensor[] = [];
  const ops: GraphOp[] = graph.ops.map((op) => {
    const first = op.inputs.find((t) => t >= 0 && !graph.tensors[t]!.data);
    if (first === undefined || graph.tensors[first]!.dtype !== "f32") return op;
    const inputs = op.inputs.map((t) => {
      const c = t >= 0 ? graph.tensors[t]! : undefined;
      if (!c?.data || !c.quant || c.dtype === "f32") return t;
      const real = constantAsReal(c);
      const index = graph.tensors.length + extra.length;
      extra.push({ index, name: c.name, shape: c.shape, dtype: "f32", data: new Uint8Array(real.buffer) });
      return index;
    });
    return { ...op, inputs };
  });
  return extra.length === 0 ? graph : { ...graph, tensors: [...graph.tensors, ...extra], ops };
}
