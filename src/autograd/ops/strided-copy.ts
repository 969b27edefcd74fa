/**
 * Copies an axis-aligned box between two row-major arrays: the one data movement behind slice, pad and
 * concat (and their backward passes). The innermost contiguous run is moved with TypedArray.set.
 */
import { stridesOf, type Shape } from "../../tensor/index.js";

export function copyBox(
  src: Float32Array, srcShape: Shape, srcBegin: readonly number[],
  dst: Float32Array, dstShape: Shape, dstBegin: readonly number[],
  box: readonly number[],
): void {
  const rank = box.length;
  if (box.some((d) => d === 0)) return;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  // merge the trailing axes where both arrays are fully covered, so the contiguous run is as long as possible
  let inner = rank - 1;
  let run = box[inner]!;
  while (inner > 0 && box[inner] === srcShape[inner] && box[inner] === dstShape[inner]) {
    inner--;
    run *= box[inner]!;
  }
  let srcOff = 0;
  let dstOff = 0;
  for (let d = 0; d < rank; d++) {
    srcOff += srcBegin[d]! * ss[d]!;
    dstOff += dstBegin[d]! * ds[d]!;
  }
  const idx = new Array<number>(inner).fill(0);
  for (;;) {
    dst.set(src.subarray(srcOff, srcOff + run), dstOff);
    let d = inner - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      srcOff += ss[d]!;
      dstOff += ds[d]!;
      if (idx[d]! < box[d]!) break;
      srcOff -= ss[d]! * box[d]!;
      dstOff -= ds[d]! * box[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
