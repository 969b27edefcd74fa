/**
 * Sub-byte weights (TFLite INT4 and INT2): several signed values per byte, the first element in the lowest
 * bits, the last byte zero-padded. TFLite's converter and TFLite Micro pack INT4 two per byte, low nibble
 * first; INT2 follows the same rule four per byte. Kernels run on int8, so a packed tensor is unpacked
 * (sign-extended) into an Int8Array before the int8 loops read it.
 */

export type PackedBits = 2 | 4;

/** Bytes `count` values take packed at `bits` each. */
export function packedByteLength(count: number, bits: PackedBits): number {
  return Math.ceil((count * bits) / 8);
}

/** Packs values that fit in `bits` signed bits ([-2^(bits-1), 2^(bits-1) - 1]); throws on one that does not. */
export function packLowBitInt8(values: Int8Array, bits: PackedBits): Uint8Array {
  const perByte = 8 / bits;
  const lo = -(1 << (bits - 1));
  const hi = (1 << (bits - 1)) - 1;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(packedByteLength(values.length, bits));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo || v > hi) throw new RangeError(`value ${v} at ${i} does not fit in ${bits} signed bits`);
    const k = (i / perByte) | 0;
    out[k] = out[k]! | ((v & mask) << ((i % perByte) * bits));
  }
  return out;
}

/** Sign-extends `out.length` packed values into `out` (the scratch a kernel reads). */
export function unpackLowBitInt8(packed: Uint8Array, bits: PackedBits, out: Int8Array): Int8Array {
  const perByte = 8 / bits;
  const whole = Math.floor(out.length / perByte);
  // Whole bytes: shift each field to the top of an int32, then arithmetic-shift it back down (sign extension).
  if (bits === 4) {
    for (let j = 0; j < whole; j++) {
      const b = packed[j]!;
      out[2 * j] = (b << 28) >> 28;
      out[2 * j + 1] = (b << 24) >> 28;
    }
  } else {
    for (let j = 0; j < whole; j++) {
      const b = packed[j]!;
      out[4 * j] = (b << 30) >> 30;
      out[4 * j + 1] = (b << 28) >> 30;
      out[4 * j + 2] = (b << 26) >> 30;
      out[4 * j + 3] = (b << 24) >> 30;
    }
  }
  for (let i = whole * perByte; i < out.length; i++) {
    const field = packed[whole]! >>> ((i % perByte) * bits);
    out[i] = (field << (32 - bits)) >> (32 - bits);
  }
  return out;
}
