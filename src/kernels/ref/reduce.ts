import { ShapeError } from "../../errors/index.js";
import { sizeOf, stridesOf, type Shape } from "../../tensor/index.js";
import { expectLength } from "../params.js";

export interface Reduced {
  y: Float32Array;
  yShape: number[];
}

/** Normalises axes (negative counts from the end), rejecting out-of-range or repeated ones. */
export function normalizeAxes(axes: readonly number[], rank: number, where: string): number[] {
  const seen = new Set<number>();
  for (const a of axes) {
    const ax = a < 0 ? a + rank : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank || seen.has(ax)) {
      throw new ShapeError(`${where}: axis ${a} is out of range or repeated for a rank-${rank} tensor`, `pass distinct axes in [-${rank}, ${rank - 1}]`);
    }
    seen.add(ax);
  }
  return [...seen].sort((p, q) => p - q);
}

/** Folds every element into its output slot: y[slot] = combine(y[slot], x). */
function reduceWith(
  where: string, x: Float32Array, shape: Shape, axes: readonly number[], keepDims: boolean,
  init: number, combine: (acc: number, v: number) => number,
): Reduced & { count: number } {
  expectLength(where, "x", x, sizeOf(shape));
  const ax = normalizeAxes(axes, shape.length, where);
  const keptShape = shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape).map((s, i) => (ax.includes(i) ? 0 : s));
  const y = new Float32Array(sizeOf(keptShape)).fill(init);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let yi = 0;
  for (let i = 0; i < x.length; i++) {
    y[yi] = combine(y[yi]!, x[i]!);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      yi += keptStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      yi -= keptStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  const yShape = keepDims ? keptShape : shape.filter((_, i) => !ax.includes(i));
  const count = ax.reduce((c, i) => c * shape[i]!, 1);
  return { y, yShape, count };
}

export function reduceSumRef(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  const { y, yShape } = reduceWith("reduceSum", x, shape, axes, keepDims, 0, (a, v) => a + v);
  return { y, yShape };
}

export function reduceMeanRef(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  const { y, yShape, count } = reduceWith("reduceMean", x, shape, axes, keepDims, 0, (a, v) => a + v);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! / count;
  return { y, yShape };
}

export function reduceMaxRef(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  const { y, yShape } = reduceWith("reduceMax", x, shape, axes, keepDims, -Infinity, (a, v) => (v > a ? v : a));
  return { y, yShape };
}

/**
 * The axes of dyShape that broadcasting added to targetShape: the leading axes it lacks and the axes where
 * it has size 1. Throws a ShapeError when targetShape does not broadcast to dyShape.
 */
export function broadcastAxes(dyShape: Shape, targetShape: Shape): number[] {
  const offset = dyShape.length - targetShape.length;
  const bad = offset < 0 || targetShape.some((d, i) => d !== 1 && d !== dyShape[i + offset]);
  if (bad) {
    throw new ShapeError(
      `sumToShape: [${targetShape.join(", ")}] does not broadcast to [${dyShape.join(", ")}]`,
      "the target must be a shape that broadcasts to the gradient's shape",
    );
  }
  const axes: number[] = [];
  for (let i = 0; i < dyShape.length; i++) {
    if (i < offset || (targetShape[i - offset] === 1 && dyShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** The inverse of broadcasting, for the backward pass of broadcast binary ops: sums dy over broadcastAxes. */
export function sumToShapeRef(dy: Float32Array, dyShape: Shape, targetShape: Shape): Float32Array {
  const axes = broadcastAxes(dyShape, targetShape);
  if (axes.length === 0) return Float32Array.from(dy);
  return reduceSumRef(dy, dyShape, axes, false).y;
}
