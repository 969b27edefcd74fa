import { expectLength, pool2dOutputShape, type Nhwc, type Pool2dParams } from "../params.js";
import { sizeOf } from "../../tensor/index.js";

/** Calls visit(yi, xi) for every valid (non-padding) input cell under every output window. */
function forEachWindowCell(xShape: Nhwc, yShape: Nhwc, p: Pool2dParams, visit: (yi: number, xi: number) => void): void {
  const [n, h, w, c] = xShape;
  const [, oh, ow] = yShape;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          const yi = ((b * oh + oy) * ow + ox) * c + ch;
          for (let ky = 0; ky < p.kernelH; ky++) {
            const iy = oy * p.strideH - p.padTop + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < p.kernelW; kx++) {
              const ix = ox * p.strideW - p.padLeft + kx;
              if (ix < 0 || ix >= w) continue;
              visit(yi, ((b * h + iy) * w + ix) * c + ch);
            }
          }
        }
}

/**
 * Max pooling over valid cells. argmax holds, per output, the flat index into x of the first maximum
 * (or -1 for a window lying wholly in padding, whose output is 0).
 */
export function maxPool2dRef(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc; argmax: Int32Array } {
  expectLength("maxPool2d", "x", x, sizeOf(xShape));
  const yShape = pool2dOutputShape(xShape, p);
  const y = new Float32Array(sizeOf(yShape)).fill(-Infinity);
  const argmax = new Int32Array(y.length).fill(-1);
  forEachWindowCell(xShape, yShape, p, (yi, xi) => {
    if (argmax[yi] === -1 || x[xi]! > y[yi]!) {
      y[yi] = x[xi]!;
      argmax[yi] = xi;
    }
  });
  for (let i = 0; i < y.length; i++) if (argmax[i] === -1) y[i] = 0;
  return { y, yShape, argmax };
}

/** Routes each output gradient to the input cell that won the max. */
export function maxPool2dBackwardRef(dy: Float32Array, argmax: Int32Array, xSize: number): Float32Array {
  expectLength("maxPool2dBackward", "dy", dy, argmax.length);
  const dx = new Float32Array(xSize);
  for (let i = 0; i < dy.length; i++) {
    const xi = argmax[i]!;
    if (xi >= 0) dx[xi] = dx[xi]! + dy[i]!;
  }
  return dx;
}

/** Counts the valid cells of every output window (TFLite divides by this, not by kernelH*kernelW). */
function validCounts(xShape: Nhwc, yShape: Nhwc, p: Pool2dParams): Float32Array {
  const counts = new Float32Array(sizeOf(yShape));
  forEachWindowCell(xShape, yShape, p, (yi) => {
    counts[yi] = counts[yi]! + 1;
  });
  return counts;
}

export function avgPool2dRef(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc } {
  expectLength("avgPool2d", "x", x, sizeOf(xShape));
  const yShape = pool2dOutputShape(xShape, p);
  const y = new Float32Array(sizeOf(yShape));
  forEachWindowCell(xShape, yShape, p, (yi, xi) => {
    y[yi] = y[yi]! + x[xi]!;
  });
  const counts = validCounts(xShape, yShape, p);
  for (let i = 0; i < y.length; i++) y[i] = counts[i]! > 0 ? y[i]! / counts[i]! : 0;
  return { y, yShape };
}

export function avgPool2dBackwardRef(dy: Float32Array, dyShape: Nhwc, xShape: Nhwc, p: Pool2dParams): Float32Array {
  const yShape = pool2dOutputShape(xShape, p);
  expectLength("avgPool2dBackward", "dy", dy, sizeOf(yShape));
  void dyShape;
  const counts = validCounts(xShape, yShape, p);
  const dx = new Float32Array(sizeOf(xShape));
  forEachWindowCell(xShape, yShape, p, (yi, xi) => {
    dx[xi] = dx[xi]! + dy[yi]! / counts[yi]!;
  });
  return dx;
}
