/** CONV_2D float32 (TFLite reference_ops::Conv semantics) on the shared f32 kernels (SIMD when built). */
import { conv2d } from "../../kernels/index.js";
import type { Conv2dGeometry } from "../../kernels/int8/conv2d.js";
import { clampInto, conv2dParamsOf, inputShapeOf } from "./window-params.js";

export interface Conv2dF32Params extends Conv2dGeometry {
  actMin: number;
  actMax: number;
}

export function evalConv2dF32(p: Conv2dF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const groups = p.inC / p.filterInC;
  const { y } = conv2d(input, inputShapeOf(p), filter, [p.outC, p.filterH, p.filterW, p.filterInC], bias, conv2dParamsOf(p, groups));
  clampInto(y, output, p.actMin, p.actMax);
}
