/** Decodes an ONNX ModelProto (onnx.proto field numbers) into plain objects. */
import { UnsupportedError } from "../../errors/index.js";
import type { GraphDType } from "../ir.js";
import { ProtoReader, asFloat, asFloats, asInt, asInts, asString, subReader, type ProtoField } from "./proto-reader.js";

export interface OnnxTensor {
  name: string;
  dtype: GraphDType;
  dims: number[];
  /** Little-endian element bytes, row-major. */
  raw: Uint8Array;
  /** Set on integer constants that a DequantizeLinear gives real values (per tensor or along `axis`). */
  quant?: { scale: number[]; zeroPoint: number[]; axis: number };
}

export type OnnxAttribute = number | string | number[] | OnnxTensor | { float: number } | { floats: number[] };

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  dtype?: GraphDType;
  /** null for a symbolic or missing dimension. */
  shape?: (number | null)[];
}

export interface OnnxModel {
  opset: number;
  graph: { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] };
  description: string;
}

const DTYPES: Record<number, GraphDType> = { 1: "f32", 2: "u8", 3: "i8", 4: "u16", 5: "i16", 6: "i32", 7: "i64", 9: "bool", 10: "f16", 11: "f64", 12: "u32", 13: "u64" };
const BYTES: Partial<Record<GraphDType, number>> = { f32: 4, u8: 1, i8: 1, u16: 2, i16: 2, i32: 4, i64: 8, bool: 1, f16: 2, f64: 8, u32: 4, u64: 8 };

function one(map: Map<number, ProtoField[]>, field: number): ProtoField | undefined {
  const list = map.get(field);
  return list?.[list.length - 1];
}

export function decodeModel(bytes: Uint8Array, file: string): OnnxModel {
  const r: ProtoReader = new ProtoReader(bytes, file, "ModelProto");
  const f = r.fields();
  let opset = 0;
  for (const o of f.get(8) ?? []) {
    const or = subReader(r, o, "opset_import");
    const of = or.fields();
    const domain = one(of, 1) ? asString(or, one(of, 1)!, "domain") : "";
    if (domain === "" || domain === "ai.onnx") opset = one(of, 2) ? asInt(or, one(of, 2)!, "version") : 0;
  }
  const g = one(f, 7);
  if (!g) r.fail(0, "the model has no graph");
  const doc = one(f, 6);
  return { opset, graph: decodeGraph(subReader(r, g, "graph")), description: doc ? asString(r, doc, "doc_string") : "" };
}

function decodeGraph(r: ProtoReader): OnnxModel["graph"] {
  const f = r.fields();
  const name = one(f, 2);
  return {
    name: name ? asString(r, name, "name") : "",
    nodes: (f.get(1) ?? []).map((n, i) => decodeNode(subReader(r, n, `node[${i}]`))),
    initializers: (f.get(5) ?? []).map((t, i) => decodeTensor(subReader(r, t, `initializer[${i}]`))),
    inputs: (f.get(11) ?? []).map((v, i) => decodeValueInfo(subReader(r, v, `input[${i}]`))),
    outputs: (f.get(12) ?? []).map((v, i) => decodeValueInfo(subReader(r, v, `output[${i}]`))),
  };
}

function decodeNode(r: ProtoReader): OnnxNode {
  const f = r.fields();
  const str = (field: number, name: string) => (one(f, field) ? asString(r, one(f, field)!, name) : "");
  const attributes = new Map<string, OnnxAttribute>();
  (f.get(5) ?? []).forEach((a, i) => {
    const [key, value] = decodeAttribute(subReader(r, a, `attribute[${i}]`));
    attributes.set(key, value);
  });
  return {
    opType: str(4, "op_type"),
    domain: str(7, "domain"),
    name: str(3, "name"),
    inputs: (f.get(1) ?? []).map((x) => asString(r, x, "input")),
    outputs: (f.get(2) ?? []).map((x) => asString(r, x, "output")),
    attributes,
  };
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20. */
function decodeAttribute(r: ProtoReader): [string, OnnxAttribute] {
  const f = r.fields();
  const name = one(f, 1) ? asString(r, one(f, 1)!, "name") : "";
  const type = one(f, 20) ? asInt(r, one(f, 20)!, "type") : 0;
  switch (type) {
    case 1:
      return [name, { float: one(f, 2) ? asFloat(r, one(f, 2)!, name) : 0 }];
    case 2:
      return [name, one(f, 3) ? asInt(r, one(f, 3)!, name) : 0];
    case 3:
      return [name, one(f, 4) ? asString(r, one(f, 4)!, name) : ""];
    case 4:
      if (!one(f, 5)) r.fail(0, `attribute ${name} has no tensor`);
      return [name, decodeTensor(subReader(r, one(f, 5)!, name))];
    case 6:
      return [name, { floats: asFloats(r, f.get(7), name) }];
    case 7:
      return [name, asInts(r, f.get(8), name)];
    default:
      // Graphs, sparse tensors and lists of strings/tensors are not used by the ops we import.
      return [name, `<attribute type ${type}>`];
  }
}

/** TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, data_location 14. */
function decodeTensor(r: ProtoReader): OnnxTensor {
  const f = r.fields();
  const name = one(f, 8) ? asString(r, one(f, 8)!, "name") : "";
  const code = one(f, 2) ? asInt(r, one(f, 2)!, "data_type") : 0;
  const dtype = DTYPES[code];
  if (!dtype) throw new UnsupportedError(`${r.file}: tensor "${name}" has ONNX data type ${code}`, `supported: ${Object.values(DTYPES).join(", ")}`);
  const dims = asInts(r, f.get(1), "dims");
  if (dims.some((d) => d < 0)) r.fail(0, `tensor "${name}" has negative dims [${dims.join(", ")}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  const size = count * BYTES[dtype]!;
  if (one(f, 14) && asInt(r, one(f, 14)!, "data_location") === 1) {
    throw new UnsupportedError(`${r.file}: tensor "${name}" keeps its data in an external file`, "save the ONNX model with its weights embedded");
  }
  let raw: Uint8Array;
  const rawField = one(f, 9);
  if (rawField) {
    raw = (rawField.value as Uint8Array).slice();
  } else if (f.has(4)) {
    raw = new Uint8Array(new Float32Array(asFloats(r, f.get(4), "float_data")).buffer);
  } else if (f.has(7)) {
    const values = asInts(r, f.get(7), "int64_data");
    raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  } else if (f.has(5)) {
    const values = asInts(r, f.get(5), "int32_data");
    raw = packInt32Data(dtype, values);
  } else {
    raw = new Uint8Array(0);
  }
  if (raw.length !== size) r.fail(0, `tensor "${name}" has ${raw.length} bytes of data but dims [${dims.join(", ")}] ${dtype} need ${size}`);
  return { name, dtype, dims, raw };
}

/** int32_data holds int8/uint8/int16/uint16/bool/int32 elements one per entry. */
function packInt32Data(dtype: GraphDType, values: number[]): Uint8Array {
  switch (dtype) {
    case "i8":
      return new Uint8Array(Int8Array.from(values).buffer);
    case "u8":
    case "bool":
      return Uint8Array.from(values);
    case "i16":
      return new Uint8Array(Int16Array.from(values).buffer);
    case "u16":
    case "f16":
      return new Uint8Array(Uint16Array.from(values).buffer);
    default:
      return new Uint8Array(Int32Array.from(values).buffer);
  }
}

/** ValueInfoProto name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 -> dim 1 -> dim_value 1. */
function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const f = r.fields();
  const info: OnnxValueInfo = { name: one(f, 1) ? asString(r, one(f, 1)!, "name") : "" };
  const type = one(f, 2);
  if (!type) return info;
  const tr = subReader(r, type, "type");
  const tensorType = one(tr.fields(), 1);
  if (!tensorType) return info;
  const tt = subReader(tr, tensorType, "tensor_type");
  const tf = tt.fields();
  const elem = one(tf, 1);
  if (elem) {
    const d = DTYPES[asInt(tt, elem, "elem_type")];
    if (d) info.dtype = d;
  }
  const shape = one(tf, 2);
  if (shape) {
    const sr = subReader(tt, shape, "shape");
    info.shape = (sr.fields().get(1) ?? []).map((dim, i) => {
      const dr = subReader(sr, dim, `dim[${i}]`);
      const value = one(dr.fields(), 1);
      return value ? asInt(dr, value, "dim_value") : null;
    });
  }
  return info;
}
