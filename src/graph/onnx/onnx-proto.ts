/**
 * ONNX messages (onnx.proto field numbers) built on the protobuf encoder: tensors, attributes,
 * nodes, value infos, graph and model.
 */
import { UnsupportedError } from "../../errors/index.js";
import type { GraphDType } from "../ir.js";
import { ProtoMessage } from "./protobuf.js";

/** TensorProto.DataType values. */
const ONNX_TYPES: Partial<Record<GraphDType, number>> = {
  f32: 1, u8: 2, i8: 3, u16: 4, i16: 5, i32: 6, i64: 7, bool: 9, f16: 10, f64: 11, u32: 12, u64: 13,
};

export function onnxType(dtype: GraphDType): number {
  const t = ONNX_TYPES[dtype];
  if (t === undefined) {
    throw new UnsupportedError(`tensors of type ${dtype} cannot be exported to ONNX`, `ONNX export supports ${Object.keys(ONNX_TYPES).join(", ")}`);
  }
  return t;
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, row-major). */
export function tensorProto(name: string, dtype: GraphDType, dims: readonly number[], raw: Uint8Array): ProtoMessage {
  return new ProtoMessage().packedInts(1, dims).int(2, onnxType(dtype)).string(8, name).bytes(9, raw);
}

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

/** AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7). */
export function attributeProto(name: string, value: AttributeValue): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if (typeof value === "number") return a.int(3, value).int(20, 2);
  if (typeof value === "string") return a.string(4, value).int(20, 3);
  if (Array.isArray(value)) return a.packedInts(8, value).int(20, 7);
  if ("float" in value) return a.float(2, value.float).int(20, 1);
  return a.packedFloats(7, value.floats).int(20, 6);
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
export function nodeProto(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attributes: Record<string, AttributeValue> = {},
  domain = "",
): ProtoMessage {
  const n = new ProtoMessage();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, name).string(4, opType);
  for (const [k, v] of Object.entries(attributes)) n.message(5, attributeProto(k, v));
  if (domain) n.string(7, domain);
  return n;
}

/** ValueInfoProto name 1, type 2; TypeProto.tensor_type 1; Tensor elem_type 1, shape 2; shape dim 1; dim_value 1. */
export function valueInfoProto(name: string, dtype: GraphDType, shape: readonly number[]): ProtoMessage {
  const dims = new ProtoMessage();
  for (const d of shape) dims.message(1, new ProtoMessage().int(1, d));
  const tensorType = new ProtoMessage().int(1, onnxType(dtype)).message(2, dims);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export interface GraphParts {
  name: string;
  nodes: ProtoMessage[];
  initializers: ProtoMessage[];
  inputs: ProtoMessage[];
  outputs: ProtoMessage[];
}

/** GraphProto: node 1, name 2, initializer 5, input 11, output 12. */
export function graphProto(g: GraphParts): ProtoMessage {
  const m = new ProtoMessage();
  for (const n of g.nodes) m.message(1, n);
  m.string(2, g.name);
  for (const t of g.initializers) m.message(5, t);
  for (const i of g.inputs) m.message(11, i);
  for (const o of g.outputs) m.message(12, o);
  return m;
}

/** ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8 (domain 1, version 2). */
export function modelProto(graph: ProtoMessage, opsets: Record<string, number>, doc: string): Uint8Array {
  const m = new ProtoMessage().int(1, IR_VERSION).string(2, "dietml").string(3, "0.1.0").string(6, doc).message(7, graph);
  for (const [domain, version] of Object.entries(opsets)) {
    const opset = new ProtoMessage();
    if (domain) opset.string(1, domain);
    m.message(8, opset.int(2, version));
  }
  return m.finish();
}

/** IR version 8 (ONNX 1.10+), which onnxruntime 1.30 reads. */
export const IR_VERSION = 8;

