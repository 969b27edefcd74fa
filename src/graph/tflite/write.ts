/**
 * `.tflite` writer: Graph -> FlatBuffer bytes following TFLite's schema (identifier "TFL3",
 * version 3, buffer 0 the empty sentinel, one OperatorCode per distinct (op, version)).
 */
import { Builder } from "flatbuffers";
import { UnsupportedError } from "../../errors/index.js";
import type { Graph, GraphOp, GraphTensor, QuantParams } from "../ir.js";
import { validateGraph } from "../topology.js";
import { int32Vector, writeOptions } from "./write-options.js";
import {
  CUSTOM_OPERATOR_CODE,
  FILE_IDENTIFIER,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  SCHEMA_VERSION,
  operatorCode,
  tensorTypeOf,
} from "./schema.js";

/** Buffer data is aligned like TFLite's converter does (force_align: 16) so it can be mapped in place. */
const BUFFER_ALIGN = 16;

export function writeTflite(graph: Graph): Uint8Array {
  validateGraph(graph, "graph to write");
  const constantBytes = graph.tensors.reduce((s, t) => s + (t.data?.length ?? 0), 0);
  const b = new Builder(constantBytes + 4096);

  const buffers = new BufferList();
  const tensorBuffers = graph.tensors.map((t) => buffers.add(t.data));
  const metadataBuffers = graph.metadata.map((m) => buffers.add(m.data, true));
  const codes = new OperatorCodeList();
  const opCodes = graph.ops.map((op) => codes.add(op));

  const operators = graph.ops.map((op, i) => writeOperator(b, op, opCodes[i]!));
  const tensors = graph.tensors.map((t, i) => writeTensor(b, t, tensorBuffers[i]!));
  const name = graph.name !== undefined ? b.createString(graph.name) : 0;
  const tensorsVec = tableVector(b, tensors);
  const inputsVec = int32Vector(b, graph.inputs);
  const outputsVec = int32Vector(b, graph.outputs);
  const operatorsVec = tableVector(b, operators);
  b.startObject(5);
  b.addFieldOffset(0, tensorsVec, 0);
  b.addFieldOffset(1, inputsVec, 0);
  b.addFieldOffset(2, outputsVec, 0);
  b.addFieldOffset(3, operatorsVec, 0);
  if (name) b.addFieldOffset(4, name, 0);
  const subgraph = b.endObject();

  const codesVec = tableVector(b, codes.list.map((c) => writeOperatorCode(b, c)));
  const buffersVec = tableVector(b, buffers.list.map((d) => writeBuffer(b, d)));
  const metadataVec = tableVector(
    b,
    graph.metadata.map((m, i) => {
      const mName = b.createString(m.name);
      b.startObject(2);
      b.addFieldOffset(0, mName, 0);
      b.addFieldInt32(1, metadataBuffers[i]!, 0);
      return b.endObject();
    }),
  );
  const signaturesVec = tableVector(b, graph.signatures.map((s) => writeSignature(b, s)));
  const description = graph.description !== undefined ? b.createString(graph.description) : 0;
  const subgraphsVec = tableVector(b, [subgraph]);

  b.startObject(8);
  b.addFieldInt32(0, SCHEMA_VERSION, 0);
  b.addFieldOffset(1, codesVec, 0);
  b.addFieldOffset(2, subgraphsVec, 0);
  if (description) b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  if (graph.metadata.length > 0) b.addFieldOffset(6, metadataVec, 0);
  if (graph.signatures.length > 0) b.addFieldOffset(7, signaturesVec, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** Model.buffers: index 0 is the empty sentinel; the same Uint8Array object maps to one buffer. */
class BufferList {
  readonly list: Uint8Array[] = [new Uint8Array(0)];
  private readonly index = new Map<Uint8Array, number>();

  /** Buffer index for data (0 when there is none, unless `always` asks for a buffer of its own). */
  add(data: Uint8Array | undefined, always = false): number {
    if (!data || (data.length === 0 && !always)) return 0;
    const known = this.index.get(data);
    if (known !== undefined) return known;
    this.list.push(data);
    this.index.set(data, this.list.length - 1);
    return this.list.length - 1;
  }
}

interface CodeEntry {
  code: number;
  version: number;
  customCode?: string;
}

class OperatorCodeList {
  readonly list: CodeEntry[] = [];
  private readonly index = new Map<string, number>();

  add(op: GraphOp): number {
    const code = op.kind === "CUSTOM" ? CUSTOM_OPERATOR_CODE : operatorCode(op.kind);
    if (code === undefined) {
      throw new UnsupportedError(
        `op ${op.index} has kind "${op.kind}", which is not a TFLite builtin operator`,
        'use a BuiltinOperator name such as "CONV_2D", or "CUSTOM" with customCode',
      );
    }
    const entry: CodeEntry = { code, version: op.version };
    if (code === CUSTOM_OPERATOR_CODE) entry.customCode = op.customCode ?? "";
    const key = JSON.stringify(entry);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.push(entry) - 1;
      this.index.set(key, i);
    }
    return i;
  }
}

/** OperatorCode: deprecated_builtin_code 0 (capped at the placeholder), custom_code 1, version 2, builtin_code 3. */
function writeOperatorCode(b: Builder, c: CodeEntry): number {
  const custom = c.customCode !== undefined ? b.createString(c.customCode) : 0;
  b.startObject(4);
  b.addFieldInt8(0, Math.min(c.code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
  if (custom) b.addFieldOffset(1, custom, 0);
  b.addFieldInt32(2, c.version, 1);
  b.addFieldInt32(3, c.code, 0);
  return b.endObject();
}

function writeBuffer(b: Builder, data: Uint8Array): number {
  let vec = 0;
  if (data.length > 0) {
    b.prep(BUFFER_ALIGN, data.length); // pad so the bytes that follow start 16-byte aligned
    vec = b.createByteVector(data);
  }
  b.startObject(3);
  if (vec) b.addFieldOffset(0, vec, 0);
  return b.endObject();
}

/** Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4, custom_options 5, intermediates 8. */
function writeOperator(b: Builder, op: GraphOp, opcodeIndex: number): number {
  const inputs = int32Vector(b, op.inputs);
  const outputs = int32Vector(b, op.outputs);
  const intermediates = op.intermediates && op.intermediates.length > 0 ? int32Vector(b, op.intermediates) : 0;
  const custom = op.customOptions ? b.createByteVector(op.customOptions) : 0;
  const options = writeOptions(b, op);
  b.startObject(9);
  b.addFieldInt32(0, opcodeIndex, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldInt8(3, options.unionType, 0);
  if (options.table) b.addFieldOffset(4, options.table, 0);
  if (custom) b.addFieldOffset(5, custom, 0);
  if (intermediates) b.addFieldOffset(8, intermediates, 0);
  return b.endObject();
}

/** Tensor: shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5, shape_signature 7. */
function writeTensor(b: Builder, t: GraphTensor, buffer: number): number {
  const type = tensorTypeOf(t.dtype);
  if (type < 0) {
    throw new UnsupportedError(`tensor ${t.index} "${t.name}" has unknown dtype "${t.dtype}"`, "use one of the GraphDType names");
  }
  const shape = int32Vector(b, t.shape);
  const signature = t.shapeSignature ? int32Vector(b, t.shapeSignature) : 0;
  const name = b.createString(t.name);
  const quant = t.quant ? writeQuant(b, t.quant) : 0;
  b.startObject(8);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, type, 0);
  b.addFieldInt32(2, buffer, 0);
  b.addFieldOffset(3, name, 0);
  if (quant) b.addFieldOffset(4, quant, 0);
  b.addFieldInt8(5, t.isVariable ? 1 : 0, 0);
  if (signature) b.addFieldOffset(7, signature, 0);
  return b.endObject();
}

/** QuantizationParameters: min 0, max 1, scale 2, zero_point 3, quantized_dimension 6. */
function writeQuant(b: Builder, q: QuantParams): number {
  const min = q.min ? float32Vector(b, q.min) : 0;
  const max = q.max ? float32Vector(b, q.max) : 0;
  const scale = float32Vector(b, q.scale);
  b.startVector(8, q.zeroPoint.length, 8);
  for (let i = q.zeroPoint.length - 1; i >= 0; i--) b.addInt64(BigInt(q.zeroPoint[i]!));
  const zeroPoint = b.endVector();
  b.startObject(7);
  if (min) b.addFieldOffset(0, min, 0);
  if (max) b.addFieldOffset(1, max, 0);
  b.addFieldOffset(2, scale, 0);
  b.addFieldOffset(3, zeroPoint, 0);
  b.addFieldInt32(6, q.quantizedDimension, 0);
  return b.endObject();
}

/** SignatureDef: inputs 0, outputs 1, signature_key 2, subgraph_index 4; TensorMap: name 0, tensor_index 1. */
function writeSignature(b: Builder, s: Graph["signatures"][number]): number {
  const maps = (list: { name: string; tensor: number }[]) =>
    tableVector(
      b,
      list.map((m) => {
        const name = b.createString(m.name);
        b.startObject(2);
        b.addFieldOffset(0, name, 0);
        b.addFieldInt32(1, m.tensor, 0);
        return b.endObject();
      }),
    );
  const inputs = maps(s.inputs);
  const outputs = maps(s.outputs);
  const key = b.createString(s.key);
  b.startObject(5);
  b.addFieldOffset(0, inputs, 0);
  b.addFieldOffset(1, outputs, 0);
  b.addFieldOffset(2, key, 0);
  b.addFieldInt32(4, 0, 0);
  return b.endObject();
}

function float32Vector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function tableVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}
