import { conv2dOutputShape, convGroups, expectLength, type Conv2dParams, type Nhwc } from "../params.js";
import { sizeOf } from "../../tensor/index.js";
import { ShapeError } from "../../errors/index.js";

/**
 * Reference grouped 2-D convolution, NHWC activations and OHWI weights [cout, kh, kw, cin/groups].
 * Written as the direct sum so it reads as the definition; the backward passes visit the same
 * (output, tap) pairs and scatter instead of gather.
 */
export function conv2dRef(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  const { cinG, coutG } = convGroups(xShape, wShape, p.groups);
  const [, kh, kw, ] = wShape as [number, number, number, number];
  const cout = wShape[0]!;
  const yShape = conv2dOutputShape(xShape, kh, kw, cout, p);
  expectLength("conv2d", "x", x, sizeOf(xShape));
  expectLength("conv2d", "w", w, sizeOf(wShape));
  if (bias !== null) expectLength("conv2d", "bias", bias, cout);
  const [n, h, wd, cin] = xShape;
  const [, oh, ow] = yShape;
  const y = new Float32Array(sizeOf(yShape));
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let co = 0; co < cout; co++) {
          const g = Math.floor(co / coutG);
          let s = bias === null ? 0 : bias[co]!;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
              if (ix < 0 || ix >= wd) continue;
              const xBase = ((b * h + iy) * wd + ix) * cin + g * cinG;
              const wBase = ((co * kh + ky) * kw + kx) * cinG;
              for (let ci = 0; ci < cinG; ci++) s += x[xBase + ci]! * w[wBase + ci]!;
            }
          }
          y[((b * oh + oy) * ow + ox) * cout + co] = s;
        }
  return { y, yShape };
}

/** Visits every (output position, tap, channel) of a conv, handing the flat indices of x, w and y. */
function forEachConvTap(
  xShape: Nhwc, wShape: readonly number[], dyShape: Nhwc, p: Conv2dParams,
  visit: (xi: number, wi: number, yi: number) => void,
): void {
  const { cinG, coutG } = convGroups(xShape, wShape, p.groups);
  const [cout, kh, kw] = wShape as [number, number, number, number];
  const expected = conv2dOutputShape(xShape, kh, kw, cout, p);
  if (expected.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(
      `conv2d backward: dy shape [${dyShape.join(", ")}] differs from the forward output [${expected.join(", ")}]`,
      "pass the gradient of this convolution's output",
    );
  }
  const [n, h, wd, cin] = xShape;
  const [, oh, ow] = dyShape;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let co = 0; co < cout; co++) {
          const g = Math.floor(co / coutG);
          const yi = ((b * oh + oy) * ow + ox) * cout + co;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
              if (ix < 0 || ix >= wd) continue;
              const xBase = ((b * h + iy) * wd + ix) * cin + g * cinG;
              const wBase = ((co * kh + ky) * kw + kx) * cinG;
              for (let ci = 0; ci < cinG; ci++) visit(xBase + ci, wBase + ci, yi);
            }
          }
        }
}

/** Gradient of conv2d with respect to its input: dx[i] = sum over taps touching i of dy * w. */
export function conv2dBackwardInputRef(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  expectLength("conv2dBackwardInput", "dy", dy, sizeOf(dyShape));
  expectLength("conv2dBackwardInput", "w", w, sizeOf(wShape));
  const dx = new Float32Array(sizeOf(xShape));
  forEachConvTap(xShape, wShape, dyShape, p, (xi, wi, yi) => {
    dx[xi] = dx[xi]! + dy[yi]! * w[wi]!;
  });
  return dx;
}

/** Gradient of conv2d with respect to its OHWI weights: dw[j] = sum over taps using j of dy * x. */
export function conv2dBackwardFilterRef(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  expectLength("conv2dBackwardFilter", "x", x, sizeOf(xShape));
  expectLength("conv2dBackwardFilter", "dy", dy, sizeOf(dyShape));
  const dw = new Float32Array(sizeOf(wShape));
  forEachConvTap(xShape, wShape, dyShape, p, (xi, wi, yi) => {
    dw[wi] = dw[wi]! + dy[yi]! * x[xi]!;
  });
  return dw;
}
