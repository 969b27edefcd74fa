/**
 * Channel remapping before a kernel (remapChannels in src/kernels/assembly/int8-remap.ts): the record and
 * per-block tables, placed once at prepare.
 */
import { ArgumentError } from "../../errors/index.js";
import { freeWhenCollected, type Int8Runtime } from "./runtime.js";

export interface ChannelRemap {
  rt: Int8Runtime;
  rec: number;
  /** Bytes of the remapped tensor. */
  bytes: number;
}

/** dst[p][j] = src[p][map(j)] for j < outC; map must read each 16 output channels from a 16-channel window. */
export function prepareChannelRemap(rt: Int8Runtime, pixels: number, inC: number, outC: number, map: (j: number) => number): ChannelRemap {
  const blocks = Math.ceil(outC / 16);
  const offsets = new Int32Array(blocks);
  const indices = new Uint8Array(blocks * 16);
  for (let b = 0; b < blocks; b++) {
    const first = map(b * 16);
    offsets[b] = first;
    for (let j = 0; j < 16 && b * 16 + j < outC; j++) {
      const index = map(b * 16 + j) - first;
      // a caller bug, not a user one: the maps this module builds always fit
      if (index < 0 || index > 15) throw new ArgumentError(`channel map reads outside a 16-channel window at output channel ${b * 16 + j}`, "use a map that reads each 16 output channels from 16 consecutive input channels");
      indices[b * 16 + j] = index;
    }
  }
  const o = rt.place(offsets);
  const ix = rt.place(new Int8Array(indices.buffer));
  const rec = rt.place(Int32Array.of(pixels, inC, outC, blocks, o, ix));
  const op = { rt, rec, bytes: pixels * outC };
  freeWhenCollected(op, [o, ix, rec]);
  return op;
}

/** Remaps the tensor at `src` into scratch; returns its address. */
export function runChannelRemap(op: ChannelRemap, src: number): number {
  const dst = op.rt.scratch(op.bytes + 16);
  op.rt.exports.remapChannels(op.rec, src, dst);
  return dst;
}
