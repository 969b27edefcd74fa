/**
 * Typed views of constant tensor data. Decoding goes through a DataView so that data at any
 * byte offset and on any host reads as the little-endian values the file stores.
 */
import { ShapeError, UnsupportedError } from "../errors/index.js";
import { denseByteSize, elementCount } from "./dtype.js";
import type { GraphDType, GraphTensor } from "./ir.js";

function requireConstant(t: GraphTensor, want: GraphDType[]): Uint8Array {
  if (!t.data) {
    throw new UnsupportedError(
      `tensor ${t.index} "${t.name}" has no constant data`,
      "this op needs a constant tensor here (weights, bias, shape); make it a constant when converting",
    );
  }
  if (!want.includes(t.dtype)) {
    throw new UnsupportedError(
      `tensor ${t.index} "${t.name}" is ${t.dtype}, expected ${want.join(" or ")}`,
      "convert or re-quantize the model so this tensor has the expected type",
    );
  }
  const need = denseByteSize(t.dtype, t.shape);
  if (t.data.byteLength !== need) {
    throw new ShapeError(
      `tensor ${t.index} "${t.name}" has ${t.data.byteLength} bytes of data but shape [${t.shape.join(", ")}] ${t.dtype} needs ${need}`,
      "the model file is inconsistent; re-export it",
    );
  }
  return t.data;
}

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

export function constantAsInt8(t: GraphTensor): Int8Array {
  const d = requireConstant(t, ["i8"]);
  return new Int8Array(d.buffer, d.byteOffset, d.byteLength);
}

export function constantAsUint8(t: GraphTensor): Uint8Array {
  return requireConstant(t, ["u8", "bool"]);
}

export function constantAsInt16(t: GraphTensor): Int16Array {
  const v = view(requireConstant(t, ["i16"]));
  const out = new Int16Array(elementCount(t.shape));
  for (let i = 0; i < out.length; i++) out[i] = v.getInt16(2 * i, true);
  return out;
}

export function constantAsInt32(t: GraphTensor): Int32Array {
  const v = view(requireConstant(t, ["i32"]));
  const out = new Int32Array(elementCount(t.shape));
  for (let i = 0; i < out.length; i++) out[i] = v.getInt32(4 * i, true);
  return out;
}

/** i64 constants (e.g. shape tensors from some converters) as numbers; throws if one exceeds 2^53. */
export function constantAsInt64(t: GraphTensor): number[] {
  const v = view(requireConstant(t, ["i64"]));
  const n = elementCount(t.shape);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = v.getBigInt64(8 * i, true);
    if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new UnsupportedError(
        `tensor ${t.index} "${t.name}" holds ${x}, too large to use as an index or shape`,
        "check the model; shape and index constants must be small integers",
      );
    }
    out[i] = Number(x);
  }
  return out;
}

/** Integer constants of either width (shape, axis, padding tensors) as plain numbers. */
export function constantAsIndices(t: GraphTensor): number[] {
  return t.dtype === "i64" ? constantAsInt64(t) : Array.from(constantAsInt32(t));
}

export function constantAsFloat32(t: GraphTensor): Float32Array {
  const v = view(requireConstant(t, ["f32"]));
  const out = new Float32Array(elementCount(t.shape));
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(4 * i, true);
  return out;
}

/**
 * Real values of a constant: f32 as stored, quantized integers mapped through
 * real = scale * (q - zeroPoint), per channel along quantizedDimension when there are several scales.
 */
export function constantAsReal(t: GraphTensor): Float32Array {
  if (t.dtype === "f32") return constantAsFloat32(t);
  const q = t.quant;
  if (!q) {
    throw new UnsupportedError(
      `tensor ${t.index} "${t.name}" is ${t.dtype} without quantization parameters, so it has no real value`,
      "give integer weights scale and zero point, or store them as float32",
    );
  }
  let ints: ArrayLike<number>;
  if (t.dtype === "i8") ints = constantAsInt8(t);
  else if (t.dtype === "u8") ints = constantAsUint8(t);
  else if (t.dtype === "i16") ints = constantAsInt16(t);
  else ints = constantAsInt32(t);
  const out = new Float32Array(ints.length);
  const channels = q.scale.length;
  let inner = 1;
  if (channels > 1) for (let d = q.quantizedDimension + 1; d < t.shape.length; d++) inner *= t.shape[d]!;
  for (let i = 0; i < out.length; i++) {
    const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
    out[i] = q.scale[c]! * (ints[i]! - (q.zeroPoint[c] ?? 0));
  }
  return out;
}
