/** AVERAGE_POOL_2D and MAX_POOL_2D float32 on the shared f32 kernels: padded cells are never counted (TFLite). */
import { avgPool2d, maxPool2d } from "../../kernels/index.js";
import type { WindowGeometry } from "../../kernels/int8/geometry.js";
import { clampInto, inputShapeOf, pool2dParamsOf } from "./window-params.js";

export interface PoolF32Params extends WindowGeometry {
  actMin: number;
  actMax: number;
}

export function evalAveragePoolF32(p: PoolF32Params, input: Float32Array, output: Float32Array): void {
  clampInto(avgPool2d(input, inputShapeOf(p), pool2dParamsOf(p)).y, output, p.actMin, p.actMax);
}

export function evalMaxPoolF32(p: PoolF32Params, input: Float32Array, output: Float32Array): void {
  clampInto(maxPool2d(input, inputShapeOf(p), pool2dParamsOf(p)).y, output, p.actMin, p.actMax);
}
