/**
 * The `.safetensors` format (as published by Hugging Face): an 8-byte little-endian u64 header length N, N bytes
 * of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the raw
 * little-endian tensor bytes, offsets relative to the end of the header. Reading validates everything and
 * raises FileFormatError naming the file and the problem; writing is atomic.
 */
import { readFileSync } from "node:fs";
import { FileFormatError, UnsupportedError } from "../errors/index.js";
import { Tensor, type DType } from "../tensor/index.js";
import { writeFileAtomic } from "./atomicWrite.js";

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
} as const;

export type SafetensorsDType = keyof typeof DTYPE_BYTES;

const TO_SAFETENSORS: Record<DType, SafetensorsDType> = { f32: "F32", i8: "I8", i32: "I32" };

export interface SafetensorsEntry {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** The tensor's raw little-endian bytes. */
  readonly bytes: Uint8Array;
}

export interface SafetensorsContents {
  /** In file order. */
  readonly tensors: Map<string, SafetensorsEntry>;
  readonly metadata: Record<string, string>;
}

/** Refuse headers larger than this: real ones are kilobytes; a huge length means a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const METADATA_KEY = "__metadata__";
const HINT = "the file is not a valid .safetensors file (truncated or corrupt?); write it again or use another copy";

/** Serialize tensors (in the order given) and string metadata. The output depends only on the inputs. */
export function encodeSafetensors(tensors: Iterable<[string, Tensor]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === METADATA_KEY || name in header) throw new Error(`duplicate or reserved tensor name "${name}"`);
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    header[name] = { dtype: TO_SAFETENSORS[tensor.dtype], shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (as the reference implementation does).
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Parse and validate `.safetensors` bytes; `file` names the source in errors. Entries view `bytes`. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const fail = (why: string): never => {
    throw new FileFormatError(file, why, HINT);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes, too short for the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) fail(`header length ${headerLength} exceeds the file size (${bytes.length} bytes): truncated?`);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} is implausibly large`);
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (err) {
    fail(`header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(header)) fail("header is not a JSON object");
  const data = bytes.subarray(headerEnd);
  const metadata = parseMetadata((header as Record<string, unknown>)[METADATA_KEY], fail);
  const tensors = new Map<string, SafetensorsEntry>();
  const spans: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) continue;
    const { dtype, shape, begin, end } = parseEntry(name, value, data.length, fail);
    spans.push([begin, end, name]);
    tensors.set(name, { dtype, shape, bytes: data.subarray(begin, end) });
  }
  checkSpansTileBuffer(spans, data.length, fail);
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FileFormatError(file, `cannot read: ${(err as Error).message}`, "check the path and the file's permissions");
  }
  return decodeSafetensors(bytes, file);
}

/** Write atomically (temp file, fsync, rename, fsync folder). */
export function writeSafetensors(file: string, tensors: Iterable<[string, Tensor]>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Copy an entry into a Tensor (F32, I8 and I32: the dtypes dietml computes with). */
export function entryToTensor(entry: SafetensorsEntry, name: string, file: string): Tensor {
  const copy = new Uint8Array(entry.bytes); // an aligned, owned copy (Buffer.slice would be a view)
  switch (entry.dtype) {
    case "F32":
      return new Tensor(entry.shape, "f32", new Float32Array(copy.buffer));
    case "I8":
      return new Tensor(entry.shape, "i8", new Int8Array(copy.buffer));
    case "I32":
      return new Tensor(entry.shape, "i32", new Int32Array(copy.buffer));
    default:
      throw new UnsupportedError(
        `${file}: tensor "${name}" has dtype ${entry.dtype}; dietml reads F32, I8 and I32`,
        "convert the tensor to float32 (or int8/int32) before saving",
      );
  }
}

function parseEntry(
  name: string,
  value: unknown,
  dataLength: number,
  fail: (why: string) => never,
): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  if (!isPlainObject(value)) fail(`tensor "${name}": entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_BYTES, dtype)) fail(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${name}": shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor "${name}": data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fail(`tensor "${name}": data_offsets [${begin}, ${end}] out of range (data section has ${dataLength} bytes)`);
  }
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  const expected = elements * DTYPE_BYTES[dtype as SafetensorsDType];
  if (end - begin !== expected) {
    fail(`tensor "${name}": ${dtype} shape [${(shape as number[]).join(", ")}] needs ${expected} bytes, data_offsets span ${end - begin}`);
  }
  return { dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

function parseMetadata(value: unknown, fail: (why: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(`"${METADATA_KEY}" is not an object`);
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") fail(`"${METADATA_KEY}" value for "${key}" is not a string`);
    metadata[key] = v as string;
  }
  return metadata;
}

/** The tensors' byte ranges must cover the data section exactly: no overlap, no gap, nothing after the last. */
function checkSpansTileBuffer(spans: [number, number, string][], dataLength: number, fail: (why: string) => never): void {
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin < expected) fail(`tensor "${name}": data_offsets [${begin}, ${end}] overlap the previous tensor`);
    if (begin > expected) fail(`tensor "${name}": gap of ${begin - expected} bytes before its data_offsets [${begin}, ${end}]`);
    expected = end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} bytes after the last tensor are not described by the header`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
