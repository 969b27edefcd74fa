/**
 * Sum and mean over axes (all axes when none are given). Nothing saved: backward broadcasts dy back.
 */
import { binary, reduceMean, reduceSum, scale } from "../../kernels/index.js";
import { sizeOf, type Shape } from "../../tensor/index.js";
import { recordOp } from "../record.js";
import type { Variable } from "../variable.js";

function allAxes(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

/** dy (shaped like the kept-dims reduction) spread over the input shape. */
function broadcastBack(dy: Float32Array, keptShape: Shape, xShape: Shape, factor: number): Float32Array {
  const spread = binary("add", dy, keptShape, new Float32Array(sizeOf(xShape)), xShape).y;
  return factor === 1 ? spread : scale(spread, factor);
}

function keptShapeOf(xShape: Shape, axes: readonly number[]): number[] {
  const norm = axes.map((a) => (a < 0 ? a + xShape.length : a));
  return xShape.map((d, i) => (norm.includes(i) ? 1 : d));
}

export function sum(x: Variable, axes: readonly number[] = allAxes(x.shape.length), keepDims = false): Variable {
  const { y, yShape } = reduceSum(x.values, x.shape, [...axes], keepDims);
  const xShape = x.shape;
  const kept = keptShapeOf(xShape, axes);
  return recordOp("sum", [x], y, yShape, {}, (dy) => [broadcastBack(dy, kept, xShape, 1)]);
}

export function mean(x: Variable, axes: readonly number[] = allAxes(x.shape.length), keepDims = false): Variable {
  const { y, yShape } = reduceMean(x.values, x.shape, [...axes], keepDims);
  const xShape = x.shape;
  const kept = keptShapeOf(xShape, axes);
  const count = x.size / Math.max(y.length, 1);
  return recordOp("mean", [x], y, yShape, {}, (dy) => [broadcastBack(dy, kept, xShape, 1 / count)]);
}
