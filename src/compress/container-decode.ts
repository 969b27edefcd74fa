/**
 * Reading the .dmlz container (format in container-format.ts). Every problem (wrong magic or version, a
 * truncated file, a CRC mismatch, a field out of range) is a FileFormatError naming the file, the section and
 * what was wrong.
 */
import { FileFormatError } from "../errors/index.js";
import { Tensor } from "../tensor/index.js";
import { BitReader } from "./bitio.js";
import { ByteReader } from "./bytes.js";
import { FORMAT_VERSION, HEADER_BYTES, KIND_CLUSTERED, KIND_DENSE, MAGIC } from "./container-format.js";
import { crc32 } from "./crc32.js";
import { HuffmanDecoder } from "./huffman.js";
import { decodeRelative } from "./relative-index.js";

export interface DecodedModel {
  metadata: Record<string, string>;
  tensors: [string, Tensor<"f32">][];
}

const HINT = "the file is damaged or was not written by `dietml compress`; compress the model again";
const MAX_ELEMENTS = 1 << 28; // refuses shapes that would exhaust memory before any data is read

export function decodeModel(bytes: Uint8Array, file: string): DecodedModel {
  const failAt = (where: string) => (why: string): never => {
    throw new FileFormatError(file, `${where}: ${why}`, HINT);
  };
  const header = new ByteReader(bytes, failAt("header"));
  const magic = header.bytes(4, "magic");
  if (!magic.every((b, i) => b === MAGIC[i])) failAt("header")("bad magic number (not a .dmlz file)");
  const version = header.u16("version");
  if (version !== FORMAT_VERSION) failAt("header")(`format version ${version} is not supported (this dietml reads ${FORMAT_VERSION})`);
  header.u16("flags");
  const count = header.u32("section count");
  const length = header.u32("file length");
  if (length !== bytes.length) failAt("header")(`the header says ${length} bytes but the file has ${bytes.length} (truncated or extended)`);
  if (count < 1) failAt("header")("no metadata section");

  const reader = new ByteReader(bytes.subarray(HEADER_BYTES), failAt("sections"));
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const where = `section ${i}`;
    const framing = new ByteReader(bytes.subarray(HEADER_BYTES + reader.position), failAt(where));
    const n = framing.u32("payload length");
    const payload = framing.bytes(n, "payload");
    const stored = framing.u32("CRC-32");
    if (crc32(payload) !== stored) failAt(where)(`CRC-32 mismatch (stored ${hex(stored)}, computed ${hex(crc32(payload))})`);
    reader.bytes(n + 8, where);
    payloads.push(payload);
  }
  if (reader.remaining !== 0) failAt("sections")(`${reader.remaining} bytes after the last section`);

  const metadata = parseMetadata(payloads[0]!, failAt("section 0 (metadata)"));
  const tensors = payloads.slice(1).map((p, i) => decodeTensor(p, i + 1, failAt));
  return { metadata, tensors };
}

function parseMetadata(payload: Uint8Array, fail: (why: string) => never): Record<string, string> {
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return fail("not valid UTF-8 JSON");
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) fail("not a JSON object");
  return meta as Record<string, string>;
}

function decodeTensor(payload: Uint8Array, index: number, failAt: (where: string) => (why: string) => never): [string, Tensor<"f32">] {
  let fail = failAt(`section ${index}`);
  const r = new ByteReader(payload, (why) => fail(why));
  const nameBytes = r.bytes(r.u16("name length"), "name");
  const name = new TextDecoder().decode(nameBytes);
  fail = failAt(`section ${index} ("${name}")`);
  const kind = r.u8("kind");
  const rank = r.u8("rank");
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(r.u32("dimension"));
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS) fail(`shape [${shape.join(", ")}] is too large`);
  let values: Float32Array;
  if (kind === KIND_DENSE) values = r.f32s(size, "dense values");
  else if (kind === KIND_CLUSTERED) values = decodeClustered(r, size, fail);
  else return fail(`unknown tensor kind ${kind}`);
  if (r.remaining !== 0) fail(`${r.remaining} unread bytes at the end of the section`);
  return [name, new Tensor(shape, "f32", values)];
}

function decodeClustered(r: ByteReader, size: number, fail: (why: string) => never): Float32Array {
  const bits = r.u8("cluster bits");
  const indexBits = r.u8("index bits");
  if (bits < 1 || bits > 8) fail(`cluster bits ${bits} outside 1..8`);
  if (indexBits < 1 || indexBits > 8) fail(`index bits ${indexBits} outside 1..8`);
  const pad = r.u16("centroid count");
  if (pad > 1 << bits) fail(`${pad} centroids for ${bits} bits`);
  const entries = r.u32("entry count");
  if (entries > size * 2 + 1) fail(`${entries} entries for ${size} weights`);
  const centroids = r.f32s(pad, "centroids");
  const clusterDecoder = new HuffmanDecoder(r.bytes(pad + 1, "cluster code lengths"), fail);
  const gapDecoder = new HuffmanDecoder(r.bytes(1 << indexBits, "gap code lengths"), fail);
  const symbols = readStream(r, clusterDecoder, entries, "cluster stream", fail);
  const gaps = readStream(r, gapDecoder, entries, "gap stream", fail);
  const { positions, clusters } = decodeRelative({ gaps, symbols }, size, pad, fail);
  const values = new Float32Array(size);
  positions.forEach((p, i) => (values[p] = centroids[clusters[i]!]!));
  return values;
}

function readStream(r: ByteReader, decoder: HuffmanDecoder, entries: number, what: string, fail: (why: string) => never): number[] {
  const bitLength = r.u32(`${what} length`);
  const bytes = r.bytes(Math.ceil(bitLength / 8), what);
  const failIn = (why: string): never => fail(`${what}: ${why}`);
  const bits = new BitReader(bytes, bitLength, failIn);
  const out: number[] = [];
  for (let i = 0; i < entries; i++) out.push(decoder.decode(bits, failIn));
  if (bits.remaining !== 0) failIn(`${bits.remaining} bits left after ${entries} symbols`);
  return out;
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}
