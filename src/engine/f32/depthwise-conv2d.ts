/** DEPTHWISE_CONV_2D float32 (TFLite reference_ops::DepthwiseConv semantics) on the shared f32 kernels. */
import { depthwiseConv2d } from "../../kernels/index.js";
import type { DepthwiseGeometry } from "../../kernels/int8/depthwise-conv2d.js";
import { clampInto, conv2dParamsOf, inputShapeOf } from "./window-params.js";

export interface DepthwiseConv2dF32Params extends DepthwiseGeometry {
  actMin: number;
  actMax: number;
}

export function evalDepthwiseConv2dF32(p: DepthwiseConv2dF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { y } = depthwiseConv2d(input, inputShapeOf(p), filter, [1, p.filterH, p.filterW, p.outC], bias, conv2dParamsOf(p, p.inC));
  clampInto(y, output, p.actMin, p.actMax);
}
