/**
 * Fast TS pooling: the window's valid range is computed once per output row/pixel and channels run in
 * the innermost contiguous loop (NHWC). Same semantics and visiting order as the reference (first maximum
 * wins; averages divide by the valid-cell count), so outputs are identical. WASM would not pay: one
 * compare or add per loaded element.
 */
import { sizeOf } from "../../tensor/index.js";
import { expectLength, pool2dOutputShape, type Nhwc, type Pool2dParams } from "../params.js";

/** First kernel offset whose input coordinate (origin + offset) is >= 0. */
const firstValid = (origin: number): number => (origin < 0 ? -origin : 0);
/** One past the last kernel offset whose input coordinate is < size. */
const endValid = (origin: number, kernel: number, size: number): number => (size - origin < kernel ? size - origin : kernel);

export function maxPool2dFast(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc; argmax: Int32Array } {
  expectLength("maxPool2d", "x", x, sizeOf(xShape));
  const yShape = pool2dOutputShape(xShape, p);
  const [n, h, w, c] = xShape;
  const [, oh, ow] = yShape;
  const y = new Float32Array(sizeOf(yShape));
  const argmax = new Int32Array(y.length).fill(-1);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * p.strideH - p.padTop;
      const ky0 = firstValid(iy0);
      const ky1 = endValid(iy0, p.kernelH, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * p.strideW - p.padLeft;
        const kx0 = firstValid(ix0);
        const kx1 = endValid(ix0, p.kernelW, w);
        const yb = ((b * oh + oy) * ow + ox) * c;
        if (ky0 >= ky1 || kx0 >= kx1) continue; // window wholly in padding: 0, argmax -1
        const first = ((b * h + iy0 + ky0) * w + ix0 + kx0) * c;
        for (let ch = 0; ch < c; ch++) {
          y[yb + ch] = x[first + ch]!;
          argmax[yb + ch] = first + ch;
        }
        for (let ky = ky0; ky < ky1; ky++)
          for (let kx = ky === ky0 ? kx0 + 1 : kx0; kx < kx1; kx++) {
            const xb = ((b * h + iy0 + ky) * w + ix0 + kx) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[xb + ch]!;
              if (v > y[yb + ch]!) {
                y[yb + ch] = v;
                argmax[yb + ch] = xb + ch;
              }
            }
          }
      }
    }
  return { y, yShape, argmax };
}

export function maxPool2dBackwardFast(dy: Float32Array, argmax: Int32Array, xSize: number): Float32Array {
  expectLength("maxPool2dBackward", "dy", dy, argmax.length);
  const dx = new Float32Array(xSize);
  for (let i = 0; i < dy.length; i++) {
    const xi = argmax[i]!;
    if (xi >= 0) dx[xi] = dx[xi]! + dy[i]!;
  }
  return dx;
}

export function avgPool2dFast(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc } {
  expectLength("avgPool2d", "x", x, sizeOf(xShape));
  const yShape = pool2dOutputShape(xShape, p);
  const [n, h, w, c] = xShape;
  const [, oh, ow] = yShape;
  const y = new Float32Array(sizeOf(yShape));
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * p.strideH - p.padTop;
      const ky0 = firstValid(iy0);
      const ky1 = endValid(iy0, p.kernelH, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * p.strideW - p.padLeft;
        const kx0 = firstValid(ix0);
        const kx1 = endValid(ix0, p.kernelW, w);
        const yb = ((b * oh + oy) * ow + ox) * c;
        const count = Math.max(0, ky1 - ky0) * Math.max(0, kx1 - kx0);
        if (count === 0) continue;
        for (let ky = ky0; ky < ky1; ky++)
          for (let kx = kx0; kx < kx1; kx++) {
            const xb = ((b * h + iy0 + ky) * w + ix0 + kx) * c;
            for (let ch = 0; ch < c; ch++) y[yb + ch] = y[yb + ch]! + x[xb + ch]!;
          }
        for (let ch = 0; ch < c; ch++) y[yb + ch] = y[yb + ch]! / count;
      }
    }
  return { y, yShape };
}

export function avgPool2dBackwardFast(dy: Float32Array, dyShape: Nhwc, xShape: Nhwc, p: Pool2dParams): Float32Array {
  const yShape = pool2dOutputShape(xShape, p);
  expectLength("avgPool2dBackward", "dy", dy, sizeOf(yShape));
  void dyShape;
  const [n, h, w, c] = xShape;
  const [, oh, ow] = yShape;
  const dx = new Float32Array(sizeOf(xShape));
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * p.strideH - p.padTop;
      const ky0 = firstValid(iy0);
      const ky1 = endValid(iy0, p.kernelH, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * p.strideW - p.padLeft;
        const kx0 = firstValid(ix0);
        const kx1 = endValid(ix0, p.kernelW, w);
        const yb = ((b * oh + oy) * ow + ox) * c;
        const count = Math.max(0, ky1 - ky0) * Math.max(0, kx1 - kx0);
        if (count === 0) continue;
        for (let ky = ky0; ky < ky1; ky++)
          for (let kx = kx0; kx < kx1; kx++) {
            const xb = ((b * h + iy0 + ky) * w + ix0 + kx) * c;
            for (let ch = 0; ch < c; ch++) dx[xb + ch] = dx[xb + ch]! + dy[yb + ch]! / count;
          }
      }
    }
  return dx;
}
