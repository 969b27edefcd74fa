/** Builds small IR graphs by hand for kernel and executor tests. */
import type { Graph, GraphDType, GraphTensor, OpOptions, QuantParams } from "../../src/graph/index.js";

export interface TensorDef {
  name?: string;
  shape: number[];
  dtype: GraphDType;
  quant?: { scale: number[]; zeroPoint: number[]; quantizedDimension?: number };
  /** Constant contents; tensors without data and not produced by an op become graph inputs. */
  data?: Int8Array | Int32Array | Float32Array;
}

export interface OpDef {
  kind: string;
  options: OpOptions;
  inputs: number[];
  outputs: number[];
}

function bytesOf(data: Int8Array | Int32Array | Float32Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Int8Array) view.setInt8(i, data[i]!);
    else if (data instanceof Int32Array) view.setInt32(4 * i, data[i]!, true);
    else view.setFloat32(4 * i, data[i]!, true);
  }
  return out;
}

export function buildGraph(tensors: TensorDef[], ops: OpDef[], outputs: number[]): Graph {
  const produced = new Set(ops.flatMap((o) => o.outputs));
  const graphTensors: GraphTensor[] = tensors.map((t, index) => {
    const g: GraphTensor = { index, name: t.name ?? `t${index}`, shape: t.shape, dtype: t.dtype };
    if (t.quant) {
      const q: QuantParams = { scale: t.quant.scale, zeroPoint: t.quant.zeroPoint, quantizedDimension: t.quant.quantizedDimension ?? 0 };
      g.quant = q;
    }
    if (t.data) g.data = bytesOf(t.data);
    return g;
  });
  return {
    tensors: graphTensors,
    ops: ops.map((o, index) => ({ index, kind: o.kind, version: 1, inputs: o.inputs, outputs: o.outputs, options: o.options })),
    inputs: tensors.map((t, i) => (!t.data && !produced.has(i) ? i : -1)).filter((i) => i >= 0),
    outputs,
    version: 3,
    metadata: [],
    signatures: [],
  };
}

/** One op reading tensors 0..n-1 and writing the last tensor. */
export function singleOpGraph(kind: string, options: OpOptions, inputs: TensorDef[], output: TensorDef): Graph {
  const tensors = [...inputs, output];
  const out = tensors.length - 1;
  return buildGraph(tensors, [{ kind, options, inputs: inputs.map((_, i) => i), outputs: [out] }], [out]);
}

export function q(scale: number, zeroPoint: number): { scale: number[]; zeroPoint: number[] } {
  return { scale: [Math.fround(scale)], zeroPoint: [zeroPoint] };
}
