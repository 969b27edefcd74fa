/**
 * IDX files (the MNIST / Fashion-MNIST format): a 4-byte magic [0, 0, type, ndim], ndim big-endian u32
 * dimensions, then the elements row-major. Gzipped files (`.gz`) are inflated with node:zlib. Every structural
 * problem becomes a FileFormatError naming the file and what is wrong.
 */
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { FileFormatError } from "../errors/index.js";

/** IDX element types, by the third magic byte. Only unsigned bytes are needed for image datasets. */
const IDX_UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const IDX_HINT = "the file should be an IDX file as published for (Fashion-)MNIST; download or copy it again";

/** Parse IDX bytes (already inflated). `file` is used in error messages. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new FileFormatError(file, `only ${bytes.length} bytes, too short for an IDX header`, IDX_HINT);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new FileFormatError(file, `bad IDX magic number 0x${hex(bytes, 0, 4)} (must start with 0x0000)`, IDX_HINT);
  }
  if (bytes[2] !== IDX_UBYTE) {
    throw new FileFormatError(file, `IDX element type 0x${hex(bytes, 2, 1)} is not supported (only unsigned byte, 0x08)`, IDX_HINT);
  }
  const ndim = bytes[3]!;
  if (ndim === 0) throw new FileFormatError(file, "IDX header declares 0 dimensions", IDX_HINT);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new FileFormatError(file, `truncated IDX header: ${ndim} dimensions need ${headerBytes} bytes, file has ${bytes.length}`, IDX_HINT);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = headerBytes + count;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated" : "has trailing bytes";
    throw new FileFormatError(
      file,
      `${what}: dimensions [${dims.join(", ")}] need ${count} data bytes after the ${headerBytes}-byte header, found ${bytes.length - headerBytes}`,
      IDX_HINT,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Read an IDX file, inflating it first when it is gzipped (by content, not by name). */
export function readIdx(file: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new FileFormatError(file, `cannot read: ${(err as Error).message}`, "check the path and the file's permissions");
  }
  return parseIdx(isGzip(raw) ? inflate(raw, file) : raw, file);
}

/** Encode an unsigned-byte IDX array; gzip it when `gzip` is set (how the datasets are distributed). */
export function encodeIdx(array: IdxArray, gzip: boolean): Uint8Array {
  const headerBytes = 4 + 4 * array.dims.length;
  const out = new Uint8Array(headerBytes + array.data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, IDX_UBYTE, array.dims.length], 0);
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(array.data, headerBytes);
  // mtime is not part of a gzip stream produced by zlib, so the output is deterministic.
  return gzip ? gzipSync(out, { level: 9 }) : out;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function inflate(raw: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new FileFormatError(file, `corrupt gzip stream: ${(err as Error).message}`, IDX_HINT);
  }
}

function hex(bytes: Uint8Array, start: number, length: number): string {
  return Array.from(bytes.subarray(start, start + length), (b) => b.toString(16).padStart(2, "0")).join("");
}
