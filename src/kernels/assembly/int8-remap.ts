// Channel remapping of an int8 NHWC tensor, dst[p][j] = src[p][map(j)], for maps that read each block of 16
// output channels from one 16-byte window of the input pixel: a depthwise multiplier's repeated channels
// (map(j) = j / multiplier) and a grouped conv's channel slice (map(j) = g * groupChannels + j). One
// swizzle per 16 output bytes.
import { rd } from "./int8-record";

// Record: pixels, inC, outC, blocks, offsets (per block: the window's first input channel, i32), indices
// (per block: 16 byte indices into the window). Writes up to 15 bytes past each pixel's channels (the next
// pixel's, rewritten after, or the block's slack) and reads up to 16 past the last input pixel's.
export function remapChannels(rec: usize, src: usize, dst: usize): void {
  const pixels = rd(rec, 0), inC = <usize>rd(rec, 1), outC = <usize>rd(rec, 2), blocks = rd(rec, 3);
  const offsets = <usize>rd(rec, 4), indices = <usize>rd(rec, 5);
  let s = src, d = dst;
  for (let p = 0; p < pixels; p++) {
    for (let b = 0; b < blocks; b++) {
      const window = v128.load(s + <usize>load<i32>(offsets + (<usize>b << 2)));
      v128.store(d + (<usize>b << 4), i8x16.swizzle(window, v128.load(indices + (<usize>b << 4))));
    }
    s += inC;
    d += outC;
  }
}
