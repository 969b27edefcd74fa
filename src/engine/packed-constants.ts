/**
 * int8 weights from a constant stored as int8 or packed sub-byte (TFLite INT4/INT2). Packed tensors are
 * unpacked once, when the model is prepared, so every int8 kernel (reference and WASM) runs them unchanged;
 * the file and the flash image keep the packed bytes.
 */
import { ShapeError } from "../errors/index.js";
import { constantAsInt8, denseByteSize, elementCount, type GraphTensor } from "../graph/index.js";
import { unpackLowBitInt8, type PackedBits } from "../kernels/int8/packed-weights.js";

const PACKED_BITS: Record<string, PackedBits> = { i4: 4, i2: 2 };

/** True for the sub-byte integer types int8 weights may be stored in. */
export function isPackedInt(dtype: string): boolean {
  return dtype in PACKED_BITS;
}

export function weightsAsInt8(t: GraphTensor): Int8Array {
  const bits = PACKED_BITS[t.dtype];
  if (bits === undefined || !t.data) return constantAsInt8(t);
  const need = denseByteSize(t.dtype, t.shape);
  if (t.data.byteLength !== need) {
    throw new ShapeError(
      `tensor ${t.index} "${t.name}" has ${t.data.byteLength} bytes of data but shape [${t.shape.join(", ")}] ${t.dtype} needs ${need}`,
      "the model file is inconsistent; re-export it",
    );
  }
  return unpackLowBitInt8(t.data, bits, new Int8Array(elementCount(t.shape)));
}
