import { conv2dOutputShape, depthwiseMultiplier, expectLength, type Conv2dParams, type Nhwc } from "../params.js";
import { sizeOf } from "../../tensor/index.js";
import { ShapeError } from "../../errors/index.js";

/**
 * Reference depthwise convolution in TFLite's layout: weights 1HWO [1, kh, kw, cout] with
 * cout = cin * multiplier; output channel co reads input channel floor(co / multiplier). p.groups is ignored.
 */
export function depthwiseConv2dRef(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  const mult = depthwiseMultiplier(xShape, wShape);
  const [, kh, kw, cout] = wShape as [number, number, number, number];
  const yShape = conv2dOutputShape(xShape, kh, kw, cout, p);
  expectLength("depthwiseConv2d", "x", x, sizeOf(xShape));
  expectLength("depthwiseConv2d", "w", w, sizeOf(wShape));
  if (bias !== null) expectLength("depthwiseConv2d", "bias", bias, cout);
  const y = new Float32Array(sizeOf(yShape));
  forEachDepthwiseTap(xShape, wShape, yShape, p, mult, (xi, wi, yi) => {
    y[yi] = y[yi]! + x[xi]! * w[wi]!;
  });
  if (bias !== null) for (let i = 0; i < y.length; i++) y[i] = y[i]! + bias[i % cout]!;
  return { y, yShape };
}

function forEachDepthwiseTap(
  xShape: Nhwc, wShape: readonly number[], yShape: Nhwc, p: Conv2dParams, mult: number,
  visit: (xi: number, wi: number, yi: number) => void,
): void {
  const [n, h, wd, cin] = xShape;
  const [, kh, kw, cout] = wShape as [number, number, number, number];
  const [, oh, ow] = yShape;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * p.strideH - p.padTop + ky * p.dilationH;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
            if (ix < 0 || ix >= wd) continue;
            for (let co = 0; co < cout; co++) {
              const ci = Math.floor(co / mult);
              visit(((b * h + iy) * wd + ix) * cin + ci, (ky * kw + kx) * cout + co, ((b * oh + oy) * ow + ox) * cout + co);
            }
          }
        }
}

function checkDy(xShape: Nhwc, wShape: readonly number[], dyShape: Nhwc, p: Conv2dParams): number {
  const mult = depthwiseMultiplier(xShape, wShape);
  const expected = conv2dOutputShape(xShape, wShape[1]!, wShape[2]!, wShape[3]!, p);
  if (expected.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(
      `depthwiseConv2d backward: dy shape [${dyShape.join(", ")}] differs from the forward output [${expected.join(", ")}]`,
      "pass the gradient of this convolution's output",
    );
  }
  return mult;
}

export function depthwiseConv2dBackwardInputRef(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  const mult = checkDy(xShape, wShape, dyShape, p);
  expectLength("depthwiseConv2dBackwardInput", "dy", dy, sizeOf(dyShape));
  expectLength("depthwiseConv2dBackwardInput", "w", w, sizeOf(wShape));
  const dx = new Float32Array(sizeOf(xShape));
  forEachDepthwiseTap(xShape, wShape, dyShape, p, mult, (xi, wi, yi) => {
    dx[xi] = dx[xi]! + dy[yi]! * w[wi]!;
  });
  return dx;
}

export function depthwiseConv2dBackwardFilterRef(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  const mult = checkDy(xShape, wShape, dyShape, p);
  expectLength("depthwiseConv2dBackwardFilter", "x", x, sizeOf(xShape));
  expectLength("depthwiseConv2dBackwardFilter", "dy", dy, sizeOf(dyShape));
  const dw = new Float32Array(sizeOf(wShape));
  forEachDepthwiseTap(xShape, wShape, dyShape, p, mult, (xi, wi, yi) => {
    dw[wi] = dw[wi]! + dy[yi]! * x[xi]!;
  });
  return dw;
}
