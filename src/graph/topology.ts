/** Who produces and who consumes each tensor, and a check that ops come in a runnable order. */
import { FileFormatError } from "../errors/index.js";
import { denseByteSize, hasFixedSize } from "./dtype.js";
import type { Graph } from "./ir.js";

/** producer[t] = index of the op that writes tensor t, or -1 (graph input, constant, or unused). */
export function producersOf(graph: Graph): Int32Array {
  const producer = new Int32Array(graph.tensors.length).fill(-1);
  for (const op of graph.ops) for (const t of op.outputs) if (t >= 0) producer[t] = op.index;
  return producer;
}

/** consumers[t] = indices of ops that read tensor t, in execution order. */
export function consumersOf(graph: Graph): number[][] {
  const consumers = graph.tensors.map(() => [] as number[]);
  for (const op of graph.ops) {
    for (const t of op.inputs) {
      if (t < 0) continue;
      const list = consumers[t]!;
      if (list[list.length - 1] !== op.index) list.push(op.index);
    }
  }
  return consumers;
}

/**
 * Checks the invariants everything downstream relies on, and throws a FileFormatError naming the
 * first violation: indices in range and matching positions, each tensor written by at most one
 * op, every op input available before the op runs (graph input, constant, variable, or produced
 * earlier), graph outputs produced, and constant data the size its shape and type say.
 */
export function validateGraph(graph: Graph, source = "graph"): void {
  const fail = (msg: string): never => {
    throw new FileFormatError(source, msg, "the model is malformed; re-export it from the converter");
  };
  const n = graph.tensors.length;
  const inRange = (t: number): boolean => Number.isInteger(t) && t >= 0 && t < n;

  graph.tensors.forEach((t, i) => {
    if (t.index !== i) fail(`tensor at position ${i} says its index is ${t.index}`);
    for (const d of t.shape) {
      if (!Number.isInteger(d) || d < 0) fail(`tensor ${i} "${t.name}" has invalid dimension ${d} in shape [${t.shape.join(", ")}]`);
    }
    if (t.data && hasFixedSize(t.dtype)) {
      const need = denseByteSize(t.dtype, t.shape);
      if (t.data.byteLength !== need) {
        fail(`tensor ${i} "${t.name}" has ${t.data.byteLength} bytes of data but shape [${t.shape.join(", ")}] ${t.dtype} needs ${need}`);
      }
    }
    if (t.quant) {
      const q = t.quant;
      if (q.scale.length !== q.zeroPoint.length && q.zeroPoint.length !== 0) {
        fail(`tensor ${i} "${t.name}" has ${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
      }
      if (q.scale.length > 1) {
        const dim = q.quantizedDimension;
        if (!(dim >= 0 && dim < t.shape.length) || t.shape[dim] !== q.scale.length) {
          fail(`tensor ${i} "${t.name}" has ${q.scale.length} per-channel scales along dimension ${dim} of shape [${t.shape.join(", ")}]`);
        }
      }
    }
  });

  const available = new Uint8Array(n);
  for (const t of graph.tensors) if (t.data || t.isVariable) available[t.index] = 1;
  for (const t of graph.inputs) {
    if (!inRange(t)) fail(`graph input refers to tensor ${t}, but there are ${n} tensors`);
    available[t] = 1;
  }
  const written = new Uint8Array(n);
  graph.ops.forEach((op, i) => {
    if (op.index !== i) fail(`op at position ${i} says its index is ${op.index}`);
    const where = `op ${i} (${op.kind})`;
    for (const t of op.inputs) {
      if (t === -1) continue;
      if (!inRange(t)) fail(`${where} reads tensor ${t}, but there are ${n} tensors`);
      if (!available[t]) fail(`${where} reads tensor ${t} "${graph.tensors[t]!.name}" before any op produces it`);
    }
    for (const t of op.intermediates ?? []) {
      if (!inRange(t)) fail(`${where} has intermediate tensor ${t}, but there are ${n} tensors`);
    }
    for (const t of op.outputs) {
      if (!inRange(t)) fail(`${where} writes tensor ${t}, but there are ${n} tensors`);
      if (written[t]) fail(`${where} writes tensor ${t} "${graph.tensors[t]!.name}", which an earlier op already wrote`);
      if (graph.tensors[t]!.data) fail(`${where} writes tensor ${t} "${graph.tensors[t]!.name}", which is a constant`);
      written[t] = 1;
      available[t] = 1;
    }
  });
  for (const t of graph.outputs) {
    if (!inRange(t)) fail(`graph output refers to tensor ${t}, but there are ${n} tensors`);
    if (!available[t]) fail(`graph output tensor ${t} "${graph.tensors[t]!.name}" is never produced`);
  }
}
