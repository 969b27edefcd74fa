/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version, header length, a Python
 * dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and "\n", then the
 * C-order data. Reads little-endian f4/f8 (to f32), i1, i4 and i8 (to i32, range-checked); writes version 1.0.
 */
import { readFileSync } from "node:fs";
import { FileFormatError, UnsupportedError } from "../errors/index.js";
import { Tensor, sizeOf, type DType } from "../tensor/index.js";
import { writeFileAtomic } from "./atomicWrite.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR_OF: Record<DType, string> = { f32: "<f4", i8: "|i1", i32: "<i4" };
const HINT = "the file is not a valid .npy file; save it with numpy.save(path, array)";

export function encodeNpy(tensor: Tensor): Uint8Array {
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(", ")})`;
  let dict = `{'descr': '${DESCR_OF[tensor.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic(6) + version(2) + length(2) + dict + padding + "\n" is a multiple of 64
  const unpadded = 10 + dict.length + 1;
  dict += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + dict.length + tensor.byteLength);
  out.set(MAGIC, 0);
  out.set([1, 0], 6);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(Buffer.from(dict, "latin1"), 10);
  out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.byteLength), 10 + dict.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array, file: string): Tensor {
  const fail = (why: string): never => {
    throw new FileFormatError(file, why, HINT);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail("missing the \\x93NUMPY magic string");
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unknown .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail("truncated header");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) fail(`header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  const header = Buffer.from(bytes.subarray(8 + lengthBytes, dataStart)).toString(major === 3 ? "utf8" : "latin1");
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`header is not a dict with descr, fortran_order and shape: ${header.trim()}`);
  const shape = shapeText!.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`shape (${shapeText}) is not a tuple of non-negative integers`);
  if (fortran === "True") {
    throw new UnsupportedError(`${file}: Fortran-order arrays are not supported`, "save a C-order array: numpy.save(path, numpy.ascontiguousarray(a))");
  }
  const count = sizeOf(shape);
  const payload = bytes.subarray(dataStart);
  const elementBytes = { "<f4": 4, "<f8": 8, "|i1": 1, "<i1": 1, "<i4": 4, "<i8": 8 }[descr!];
  if (elementBytes === undefined) {
    throw new UnsupportedError(
      `${file}: dtype '${descr}' is not supported (dietml reads float32/float64, int8, int32/int64, little-endian)`,
      "convert the array first, e.g. numpy.save(path, a.astype(numpy.float32))",
    );
  }
  if (payload.length !== count * elementBytes) {
    fail(`shape (${shapeText}) of '${descr}' needs ${count * elementBytes} data bytes, file has ${payload.length}`);
  }
  const aligned = new Uint8Array(payload).buffer; // an aligned copy (Buffer.slice would be a view)
  switch (descr) {
    case "<f4":
      return new Tensor(shape, "f32", new Float32Array(aligned));
    case "<f8":
      return new Tensor(shape, "f32", Float32Array.from(new Float64Array(aligned)));
    case "|i1":
    case "<i1":
      return new Tensor(shape, "i8", new Int8Array(aligned));
    case "<i4":
      return new Tensor(shape, "i32", new Int32Array(aligned));
    default:
      return new Tensor(shape, "i32", narrowInt64(new BigInt64Array(aligned), file));
  }
}

export function readNpy(file: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FileFormatError(file, `cannot read: ${(err as Error).message}`, "check the path and the file's permissions");
  }
  return decodeNpy(bytes, file);
}

export function writeNpy(file: string, tensor: Tensor): void {
  writeFileAtomic(file, encodeNpy(tensor));
}

function narrowInt64(values: BigInt64Array, file: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < -2147483648n || v > 2147483647n) {
      throw new UnsupportedError(`${file}: int64 value ${v} at index ${i} does not fit in int32`, "save the array as int32");
    }
    out[i] = Number(v);
  }
  return out;
}
