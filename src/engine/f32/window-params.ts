/** Translates TFLite window geometry (top/left padding + output size) into the f32 kernels' explicit padding. */
import type { WindowGeometry } from "../../kernels/int8/geometry.js";
import type { Conv2dParams, Nhwc, Pool2dParams } from "../../kernels/index.js";

export function conv2dParamsOf(g: WindowGeometry, groups: number): Conv2dParams {
  // The bottom/right padding that makes the kernels produce exactly outH x outW (never negative: extra input
  // rows a VALID window does not reach are simply not read).
  const padBottom = Math.max(0, (g.outH - 1) * g.strideH + (g.filterH - 1) * g.dilationH + 1 - g.inH - g.padTop);
  const padRight = Math.max(0, (g.outW - 1) * g.strideW + (g.filterW - 1) * g.dilationW + 1 - g.inW - g.padLeft);
  return {
    strideH: g.strideH, strideW: g.strideW, dilationH: g.dilationH, dilationW: g.dilationW,
    padTop: g.padTop, padLeft: g.padLeft, padBottom, padRight, groups,
  };
}

export function pool2dParamsOf(g: WindowGeometry): Pool2dParams {
  const c = conv2dParamsOf(g, 1);
  return {
    kernelH: g.filterH, kernelW: g.filterW, strideH: g.strideH, strideW: g.strideW,
    padTop: c.padTop, padBottom: c.padBottom, padLeft: c.padLeft, padRight: c.padRight,
  };
}

export function inputShapeOf(g: WindowGeometry): Nhwc {
  return [g.batches, g.inH, g.inW, g.inC];
}

/** Copies the kernel's result into the engine's output tensor, applying the fused activation clamp. */
export function clampInto(y: Float32Array, output: Float32Array, actMin: number, actMax: number): void {
  for (let i = 0; i < output.length; i++) {
    const v = y[i]!;
    output[i] = v < actMin ? actMin : v > actMax ? actMax : v;
  }
}
