/**
 * Pooling over NHWC. maxPool2d saves the argmax (int32 per output) when x needs a gradient; avgPool2d and
 * globalAvgPool save nothing (their backward needs only shapes). globalAvgPool returns [N, C].
 */
import { ShapeError } from "../../errors/index.js";
import {
  avgPool2d as avgPoolKernel,
  avgPool2dBackward,
  maxPool2d as maxPoolKernel,
  maxPool2dBackward,
  reduceMean,
  type Nhwc,
  type Pool2dParams,
} from "../../kernels/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

export type { Pool2dParams } from "../../kernels/index.js";

/** A square-or-not window with stride defaulting to the window and no padding. */
export function poolParams(p: Partial<Pool2dParams> & { kernelH: number; kernelW: number }): Pool2dParams {
  return {
    kernelH: p.kernelH,
    kernelW: p.kernelW,
    strideH: p.strideH ?? p.kernelH,
    strideW: p.strideW ?? p.kernelW,
    padTop: p.padTop ?? 0,
    padBottom: p.padBottom ?? 0,
    padLeft: p.padLeft ?? 0,
    padRight: p.padRight ?? 0,
  };
}

function nhwc(op: string, x: Variable): Nhwc {
  if (x.shape.length !== 4) {
    throw new ShapeError(`${op}: input must be NHWC (rank 4), got ${formatShape(x.shape)}`, "reshape the input to [batch, height, width, channels]");
  }
  return x.shape as unknown as Nhwc;
}

export function maxPool2d(x: Variable, p: Pool2dParams): Variable {
  const xShape = nhwc("maxPool2d", x);
  const { y, yShape, argmax } = maxPoolKernel(x.values, xShape, p);
  const xSize = x.size;
  return recordOp("maxPool2d", [x], y, yShape, { argmax: needsGrad(x) ? argmax : null }, (dy, s) => [
    maxPool2dBackward(dy, s.argmax!, xSize),
  ]);
}

export function avgPool2d(x: Variable, p: Pool2dParams): Variable {
  const xShape = nhwc("avgPool2d", x);
  const { y, yShape } = avgPoolKernel(x.values, xShape, p);
  return recordOp("avgPool2d", [x], y, yShape, {}, (dy) => [avgPool2dBackward(dy, yShape, xShape, p)]);
}

/** Mean over H and W: [N, H, W, C] -> [N, C]. */
export function globalAvgPool(x: Variable): Variable {
  const [n, h, w, c] = nhwc("globalAvgPool", x);
  const { y } = reduceMean(x.values, x.shape, [1, 2], false);
  return recordOp("globalAvgPool", [x], y, [n, c], {}, (dy) => {
    const dx = new Float32Array(n * h * w * c);
    const inv = 1 / (h * w);
    for (let b = 0; b < n; b++) {
      for (let cell = 0; cell < h * w; cell++) {
        const o = (b * h * w + cell) * c;
        for (let ch = 0; ch < c; ch++) dx[o + ch] = dy[b * c + ch]! * inv;
      }
    }
    return [dx];
  });
}
