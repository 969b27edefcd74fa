/**
 * `.tflite` reader: FlatBuffer bytes -> Graph (subgraph 0). Every offset and length is checked
 * (see flat-reader.ts) and the result passes validateGraph, so what comes back is safe to walk.
 */
import { ArgumentError, FileFormatError, UnsupportedError } from "../../errors/index.js";
import { bitsPerElement, elementCount } from "../dtype.js";
import type { Graph, GraphMetadata, GraphOp, GraphSignature, GraphTensor, QuantParams } from "../ir.js";
import { validateGraph } from "../topology.js";
import { FlatReader, type FlatTable } from "./flat-reader.js";
import { readOptions } from "./read-options.js";
import { densifyTensor } from "./read-sparsity.js";
import { CUSTOM_OPERATOR_CODE, FILE_IDENTIFIER, SCHEMA_VERSION, dtypeFromTensorType, operatorName } from "./schema.js";

/** Tensors larger than this many elements cannot be indexed by TFLite's int32 sizes either. */
const MAX_ELEMENTS = 2 ** 31 - 1;

interface OperatorCode {
  kind: string;
  version: number;
  customCode?: string;
}

export function readTflite(bytes: Uint8Array, fileName = "model.tflite"): Graph {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError("readTflite expects the file contents as a Uint8Array", "pass fs.readFileSync(path)");
  }
  if (bytes.length < 8) {
    throw new FileFormatError(fileName, `the file is ${bytes.length} bytes, too short for a TFLite model`, "check the path; the file is empty or truncated");
  }
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== FILE_IDENTIFIER) {
    const hex = Array.from(bytes.subarray(4, 8), (x) => x.toString(16).padStart(2, "0")).join(" ");
    throw new FileFormatError(
      fileName,
      `not a TFLite model: bytes 4..7 are ${hex}, expected the identifier "${FILE_IDENTIFIER}"`,
      "give a .tflite file written by the TFLite converter (or dietml)",
    );
  }
  const r = new FlatReader(bytes, fileName);
  const model = r.tableAt(0, "Model");

  const version = model.uint32(0, "version");
  if (version !== SCHEMA_VERSION) {
    throw new UnsupportedError(
      `${fileName}: TFLite schema version ${version}; dietml reads version ${SCHEMA_VERSION}`,
      "re-convert the model with a current TFLite converter",
    );
  }
  const opcodes = model.tables(1, "operator_codes").map(readOperatorCode);
  const subgraphs = model.tables(2, "subgraphs");
  if (subgraphs.length === 0) r.fail(model.pos, "Model.subgraphs: the model has no subgraph");
  if (subgraphs.length > 1) {
    throw new UnsupportedError(
      `${fileName}: the model has ${subgraphs.length} subgraphs (control flow such as IF/WHILE/CALL_ONCE); dietml runs single-subgraph models`,
      "re-convert without control flow (e.g. unroll loops) so the model is one subgraph",
    );
  }
  const buffers = new BufferTable(r, model.tables(4, "buffers"));
  const graph: Graph = {
    ...readSubgraph(subgraphs[0]!, opcodes, buffers),
    version,
    metadata: model.tables(6, "metadata").map((m) => readMetadata(m, buffers)),
    signatures: [],
  };
  const description = model.string(3, "description");
  if (description !== undefined) graph.description = description;
  graph.signatures = model
    .tables(7, "signature_defs")
    .filter((s) => s.uint32(4, "subgraph_index") === 0)
    .map((s) => readSignature(s, graph.tensors.length));
  validateGraph(graph, fileName);
  return graph;
}

/** Buffer data by index, decoded once (tensors that share a buffer share the bytes). */
class BufferTable {
  private readonly cache = new Map<number, Uint8Array | undefined>();
  constructor(
    private readonly r: FlatReader,
    private readonly tables: FlatTable[],
  ) {}

  get(index: number, user: string): Uint8Array | undefined {
    if (!(index >= 0 && index < this.tables.length)) {
      if (index === 0) return undefined; // a model with no buffers at all: nothing is constant
      this.r.fail(0, `${user} refers to buffer ${index}, but the model has ${this.tables.length} buffers`);
    }
    if (!this.cache.has(index)) this.cache.set(index, this.decode(this.tables[index]!));
    return this.cache.get(index);
  }

  /** Buffer slots: data 0; offset 1 and size 2 for data stored after the flatbuffer (>2 GB models). */
  private decode(b: FlatTable): Uint8Array | undefined {
    const offset = b.uint64(1, "offset");
    if (offset > 1) {
      const size = b.uint64(2, "size");
      this.r.check(offset, size, `${b.path}: external data`);
      this.r.spend(offset, size, `${b.path}: external data`);
      return size === 0 ? undefined : this.r.bytes.slice(offset, offset + size);
    }
    const data = b.bytes(0, "data");
    return data && data.length > 0 ? data : undefined;
  }
}

/** OperatorCode slots: deprecated_builtin_code 0, custom_code 1, version 2, builtin_code 3. */
function readOperatorCode(t: FlatTable): OperatorCode {
  const code = Math.max(t.int8(0, "deprecated_builtin_code"), t.int32(3, "builtin_code"));
  if (code < 0) t.r.fail(t.pos, `${t.path}: builtin code ${code} is negative`);
  const version = t.int32(2, "version", 1);
  if (code !== CUSTOM_OPERATOR_CODE) return { kind: operatorName(code), version };
  return { kind: "CUSTOM", version, customCode: t.string(1, "custom_code") ?? "" };
}

/** SubGraph slots: tensors 0, inputs 1, outputs 2, operators 3, name 4. */
function readSubgraph(sg: FlatTable, opcodes: OperatorCode[], buffers: BufferTable) {
  const tensors = sg.tables(0, "tensors").map((t, i) => readTensor(t, i, buffers));
  const ops = sg.tables(3, "operators").map((o, i) => readOperator(o, i, opcodes));
  const out: Pick<Graph, "tensors" | "ops" | "inputs" | "outputs" | "name"> = {
    tensors,
    ops,
    inputs: sg.int32Vector(1, "inputs") ?? [],
    outputs: sg.int32Vector(2, "outputs") ?? [],
  };
  const name = sg.string(4, "name");
  if (name !== undefined) out.name = name;
  return out;
}

/**
 * Tensor slots: shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5, sparsity 6,
 * shape_signature 7.
 */
function readTensor(t: FlatTable, index: number, buffers: BufferTable): GraphTensor {
  const shape = t.int32Vector(0, "shape") ?? [];
  const typeCode = t.int8(1, "type");
  const dtype = dtypeFromTensorType(typeCode);
  if (dtype === undefined) t.r.fail(t.pos, `${t.path}: unknown tensor type ${typeCode}`);
  const name = t.string(3, "name") ?? "";
  const label = `tensor ${index} "${name}"`;
  if (shape.some((d) => d < 0)) t.r.fail(t.pos, `${t.path}: ${label} has negative dimension in shape [${shape.join(", ")}]`);
  if (elementCount(shape) > MAX_ELEMENTS) {
    t.r.fail(t.pos, `${t.path}: ${label} has ${elementCount(shape)} elements (shape [${shape.join(", ")}]), more than 2^31-1`);
  }
  const tensor: GraphTensor = { index, name, shape, dtype };
  const signature = t.int32Vector(7, "shape_signature");
  if (signature !== undefined) tensor.shapeSignature = signature;
  const quant = t.table(4, "quantization");
  const q = quant && readQuant(quant, label);
  if (q) tensor.quant = q;
  const data = buffers.get(t.uint32(2, "buffer"), `${t.path} (${label})`);
  const sparsity = t.table(6, "sparsity");
  if (sparsity) tensor.data = densifyTensor(sparsity, shape, bitsPerElement(dtype), data, label);
  else if (data) tensor.data = data;
  if (t.bool(5, "is_variable")) tensor.isVariable = true;
  return tensor;
}

/**
 * QuantizationParameters slots: min 0, max 1, scale 2, zero_point 3, details_type 4, details 5,
 * quantized_dimension 6. Empty scale means "not quantized" (TFLite treats it so).
 */
function readQuant(q: FlatTable, label: string): QuantParams | undefined {
  if (q.uint8(4, "details_type") !== 0) {
    throw new UnsupportedError(
      `${q.r.file}: ${label} uses custom quantization details; dietml reads affine (scale, zero point) quantization`,
      "quantize the model with the standard TFLite int8 scheme",
    );
  }
  const scale = q.float32Vector(2, "scale") ?? [];
  if (scale.length === 0) return undefined;
  const params: QuantParams = {
    scale,
    zeroPoint: q.int64Vector(3, "zero_point") ?? [],
    quantizedDimension: q.int32(6, "quantized_dimension"),
  };
  const min = q.float32Vector(0, "min");
  const max = q.float32Vector(1, "max");
  if (min && min.length > 0) params.min = min;
  if (max && max.length > 0) params.max = max;
  return params;
}

/**
 * Operator slots: opcode_index 0, inputs 1, outputs 2, builtin options 3/4, custom_options 5,
 * intermediates 8, large_custom_options_offset 9 and _size 10, builtin_options_2 11/12.
 */
function readOperator(o: FlatTable, index: number, opcodes: OperatorCode[]): GraphOp {
  const codeIndex = o.uint32(0, "opcode_index");
  const code = opcodes[codeIndex];
  if (!code) o.r.fail(o.pos, `${o.path}: opcode_index ${codeIndex} but the model has ${opcodes.length} operator codes`);
  const op: GraphOp = {
    index,
    kind: code.kind,
    version: code.version,
    inputs: o.int32Vector(1, "inputs") ?? [],
    outputs: o.int32Vector(2, "outputs") ?? [],
    options: readOptions(o),
  };
  const intermediates = o.int32Vector(8, "intermediates");
  if (intermediates && intermediates.length > 0) op.intermediates = intermediates;
  if (code.customCode !== undefined) {
    op.customCode = code.customCode;
    const custom = readCustomOptions(o);
    if (custom) op.customOptions = custom;
  }
  return op;
}

function readCustomOptions(o: FlatTable): Uint8Array | undefined {
  const offset = o.uint64(9, "large_custom_options_offset");
  if (offset > 1) {
    const size = o.uint64(10, "large_custom_options_size");
    o.r.check(offset, size, `${o.path}: custom options`);
    o.r.spend(offset, size, `${o.path}: custom options`);
    return o.r.bytes.slice(offset, offset + size);
  }
  return o.bytes(5, "custom_options");
}

/** Metadata slots: name 0, buffer 1. */
function readMetadata(m: FlatTable, buffers: BufferTable): GraphMetadata {
  const name = m.string(0, "name") ?? "";
  return { name, data: buffers.get(m.uint32(1, "buffer"), `${m.path} "${name}"`) ?? new Uint8Array(0) };
}

/** SignatureDef slots: inputs 0, outputs 1, signature_key 2, subgraph_index 4; TensorMap: name 0, tensor_index 1. */
function readSignature(s: FlatTable, tensorCount: number): GraphSignature {
  const maps = (slot: number, name: string) =>
    s.tables(slot, name).map((m) => {
      const tensor = m.uint32(1, "tensor_index");
      if (tensor >= tensorCount) m.r.fail(m.pos, `${m.path}: tensor_index ${tensor} but there are ${tensorCount} tensors`);
      return { name: m.string(0, "name") ?? "", tensor };
    });
  return { key: s.string(2, "signature_key") ?? "", inputs: maps(0, "inputs"), outputs: maps(1, "outputs") };
}
