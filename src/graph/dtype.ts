/** Sizes and names of graph element types. */
import { UnsupportedError } from "../errors/index.js";
import type { GraphDType } from "./ir.js";

/**
 * Bits per element. i4 packs two per byte and i2 four (lowest bits first, as TFLite packs them);
 * string/resource/variant have no fixed size (0).
 */
const BITS: Record<GraphDType, number> = {
  f32: 32,
  f16: 16,
  f64: 64,
  i4: 4,
  i2: 2,
  i8: 8,
  u8: 8,
  i16: 16,
  u16: 16,
  i32: 32,
  u32: 32,
  i64: 64,
  u64: 64,
  bool: 8,
  string: 0,
  complex64: 64,
  complex128: 128,
  resource: 0,
  variant: 0,
};

export function bitsPerElement(dtype: GraphDType): number {
  return BITS[dtype];
}

/** True for types whose byte size follows from the shape alone. */
export function hasFixedSize(dtype: GraphDType): boolean {
  return BITS[dtype] > 0;
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes a dense tensor of this type and shape occupies (i4 and i2 round up to whole bytes). */
export function denseByteSize(dtype: GraphDType, shape: readonly number[]): number {
  const bits = BITS[dtype];
  if (bits === 0) {
    throw new UnsupportedError(
      `tensors of type ${dtype} have no fixed byte size`,
      "only numeric and bool tensors can be sized, planned or run",
    );
  }
  return Math.ceil((elementCount(shape) * bits) / 8);
}
