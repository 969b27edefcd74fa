/**
 * Per-op cost summary for `dietml inspect`: shapes, parameters, multiply-accumulates and bytes.
 * Works on any graph the reader accepts (even odd ones): missing tensors count as zero.
 */
import { bitsPerElement, elementCount } from "./dtype.js";
import type { Graph, GraphOp, GraphTensor } from "./ir.js";
import type { OpOptions } from "./options.js";

export interface TensorBrief {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  bytes: number;
}

export interface OpSummary {
  index: number;
  kind: string;
  /** Activation (non-constant) inputs. */
  inputs: TensorBrief[];
  outputs: TensorBrief[];
  /** Constant inputs (weights, bias, shape tensors). */
  constants: TensorBrief[];
  /** Short human-readable parameters, e.g. "3x3 /2 SAME RELU". */
  params: string;
  /** Multiply-accumulates of one inference (conv, depthwise, fully connected, matmul; 0 for the rest). */
  macs: number;
  /** Bytes of activation inputs plus outputs this op touches. */
  activationBytes: number;
  /** Bytes of constant inputs. */
  weightBytes: number;
}

export interface GraphSummary {
  name: string;
  description: string;
  inputs: TensorBrief[];
  outputs: TensorBrief[];
  ops: OpSummary[];
  /** Op kind -> count, in first-seen order. */
  opCounts: Record<string, number>;
  totals: {
    ops: number;
    macs: number;
    /** Every constant tensor once (shared buffers counted once). */
    weightBytes: number;
    /** Every non-constant tensor once: what an arena with no reuse would hold. */
    activationBytes: number;
    /** The largest single op's activationBytes: a lower bound on the arena any planner can reach. */
    peakOpActivationBytes: number;
  };
}

export function tensorBytes(t: GraphTensor): number {
  if (t.data) return t.data.byteLength;
  return Math.ceil((elementCount(t.shape) * bitsPerElement(t.dtype)) / 8);
}

function brief(t: GraphTensor): TensorBrief {
  return { index: t.index, name: t.name, shape: t.shape, dtype: t.dtype, bytes: tensorBytes(t) };
}

export function summarizeGraph(graph: Graph): GraphSummary {
  const ops = graph.ops.map((op) => summarizeOp(graph, op));
  const opCounts: Record<string, number> = {};
  for (const op of graph.ops) opCounts[op.kind] = (opCounts[op.kind] ?? 0) + 1;
  const seenData = new Set<Uint8Array>();
  let weightBytes = 0;
  let activationBytes = 0;
  for (const t of graph.tensors) {
    if (t.data) {
      if (!seenData.has(t.data)) weightBytes += t.data.byteLength;
      seenData.add(t.data);
    } else {
      activationBytes += tensorBytes(t);
    }
  }
  const tensor = (i: number) => graph.tensors[i];
  return {
    name: graph.name ?? "",
    description: graph.description ?? "",
    inputs: graph.inputs.map(tensor).filter((t) => t !== undefined).map(brief),
    outputs: graph.outputs.map(tensor).filter((t) => t !== undefined).map(brief),
    ops,
    opCounts,
    totals: {
      ops: ops.length,
      macs: ops.reduce((s, o) => s + o.macs, 0),
      weightBytes,
      activationBytes,
      peakOpActivationBytes: ops.reduce((m, o) => Math.max(m, o.activationBytes), 0),
    },
  };
}

function summarizeOp(graph: Graph, op: GraphOp): OpSummary {
  const ins = op.inputs.filter((i) => i >= 0).map((i) => graph.tensors[i]).filter((t) => t !== undefined);
  const outs = op.outputs.map((i) => graph.tensors[i]).filter((t) => t !== undefined);
  const inputs = ins.filter((t) => !t.data).map(brief);
  const constants = ins.filter((t) => t.data).map(brief);
  const outputs = outs.map(brief);
  const sum = (list: TensorBrief[]) => list.reduce((s, t) => s + t.bytes, 0);
  return {
    index: op.index,
    kind: op.kind,
    inputs,
    outputs,
    constants,
    params: describeParams(op, graph),
    macs: countMacs(graph, op),
    activationBytes: sum(inputs) + sum(outputs),
    weightBytes: sum(constants),
  };
}

/** Shape of the op's i-th input/output, or [] when absent. */
function shapeAt(graph: Graph, list: number[], i: number): number[] {
  const t = list[i];
  return t === undefined || t < 0 ? [] : (graph.tensors[t]?.shape ?? []);
}

export function countMacs(graph: Graph, op: GraphOp): number {
  const out = elementCount(shapeAt(graph, op.outputs, 0));
  const filter = shapeAt(graph, op.inputs, 1);
  switch (op.kind) {
    case "CONV_2D": // filter OHWI: each output element sums KH*KW*I products
      return filter.length === 4 ? out * filter[1]! * filter[2]! * filter[3]! : 0;
    case "DEPTHWISE_CONV_2D": // filter 1HWO: each output element sums KH*KW products
      return filter.length === 4 ? out * filter[1]! * filter[2]! : 0;
    case "FULLY_CONNECTED": // filter [units, depth]
      return filter.length === 2 ? out * filter[1]! : 0;
    case "TRANSPOSE_CONV": {
      // inputs: output_shape, filter OHWI, input; every input element scatters KH*KW*O products
      const input = elementCount(shapeAt(graph, op.inputs, 2));
      return filter.length === 4 ? input * filter[0]! * filter[1]! * filter[2]! : 0;
    }
    case "BATCH_MATMUL": {
      const a = shapeAt(graph, op.inputs, 0);
      const adjX = op.options.type === "BatchMatMulOptions" && op.options.adjX;
      const k = a.length >= 2 ? a[adjX ? a.length - 2 : a.length - 1]! : 0;
      return out * k;
    }
    default:
      return 0;
  }
}

function describeParams(op: GraphOp, graph: Graph): string {
  const o: OpOptions = op.options;
  const act = (a: string) => (a === "NONE" ? "" : ` ${a}`);
  const filter = shapeAt(graph, op.inputs, 1);
  switch (o.type) {
    case "Conv2DOptions":
    case "DepthwiseConv2DOptions": {
      const kernel = filter.length === 4 ? `${filter[1]}x${filter[2]} ` : "";
      const dil = o.dilationWFactor !== 1 || o.dilationHFactor !== 1 ? ` dil ${o.dilationHFactor}x${o.dilationWFactor}` : "";
      return `${kernel}/${o.strideH}x${o.strideW} ${o.padding}${dil}${act(o.fusedActivation)}`;
    }
    case "Pool2DOptions":
      return `${o.filterHeight}x${o.filterWidth} /${o.strideH}x${o.strideW} ${o.padding}${act(o.fusedActivation)}`;
    case "FullyConnectedOptions":
      return `${filter.length === 2 ? `${filter[0]} units` : ""}${o.keepNumDims ? " keep dims" : ""}${act(o.fusedActivation)}`.trim();
    case "SoftmaxOptions":
      return `beta ${o.beta}`;
    case "ConcatenationOptions":
      return `axis ${o.axis}${act(o.fusedActivation)}`;
    case "ReshapeOptions":
      return `-> [${shapeAt(graph, op.outputs, 0).join(", ")}]`;
    case "ReducerOptions":
      return o.keepDims ? "keep dims" : "";
    case "None":
      return "";
    case "Unknown":
      return `(${o.table})`;
    default: {
      const { type: _type, ...rest } = o as unknown as Record<string, unknown>;
      return Object.entries(rest)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`)
        .join(" ");
    }
  }
}
