/**
 * Fast TS reductions for the layouts training uses (bias gradients reduce leading axes, global pooling
 * reduces middle axes, per-row losses reduce trailing ones): any reduction whose kept and reduced axes
 * form at most [kept, reduced, kept] blocks runs as three plain loops. Each output still sums its inputs
 * in increasing index order, as the reference does, so results are identical. Other layouts use the
 * reference kernel.
 */
import { sizeOf, type Shape } from "../../tensor/index.js";
import { expectLength } from "../params.js";
import { broadcastAxes, normalizeAxes, reduceMaxRef, reduceMeanRef, reduceSumRef, type Reduced } from "../ref/reduce.js";

/** [outer kept, reduced, inner kept] block sizes, or null when kept and reduced axes interleave more. */
function blocks(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  const sizes = [1, 1, 1];
  let block = 0;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const reduced = axes.includes(d);
    if (block === 0 && reduced) block = 1;
    else if (block === 1 && !reduced) block = 2;
    else if (block === 2 && reduced) return null;
    sizes[block] = sizes[block]! * shape[d]!;
  }
  return sizes as [number, number, number];
}

function outShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function sumBlocks(x: Float32Array, outer: number, red: number, inner: number): Float32Array {
  const y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const yo = o * inner;
    for (let r = 0; r < red; r++) {
      const xo = (o * red + r) * inner;
      for (let i = 0; i < inner; i++) y[yo + i] = y[yo + i]! + x[xo + i]!;
    }
  }
  return y;
}

export function reduceSumFast(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  expectLength("reduceSum", "x", x, sizeOf(shape));
  const ax = normalizeAxes(axes, shape.length, "reduceSum");
  const b = blocks(shape, ax);
  if (b === null) return reduceSumRef(x, shape, axes, keepDims);
  return { y: sumBlocks(x, b[0], b[1], b[2]), yShape: outShape(shape, ax, keepDims) };
}

export function reduceMeanFast(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  expectLength("reduceMean", "x", x, sizeOf(shape));
  const ax = normalizeAxes(axes, shape.length, "reduceMean");
  const b = blocks(shape, ax);
  if (b === null) return reduceMeanRef(x, shape, axes, keepDims);
  const y = sumBlocks(x, b[0], b[1], b[2]);
  const count = ax.reduce((c, i) => c * shape[i]!, 1);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! / count;
  return { y, yShape: outShape(shape, ax, keepDims) };
}

export function reduceMaxFast(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  expectLength("reduceMax", "x", x, sizeOf(shape));
  const ax = normalizeAxes(axes, shape.length, "reduceMax");
  const b = blocks(shape, ax);
  if (b === null) return reduceMaxRef(x, shape, axes, keepDims);
  const [outer, red, inner] = b;
  const y = new Float32Array(outer * inner).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    const yo = o * inner;
    for (let r = 0; r < red; r++) {
      const xo = (o * red + r) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[xo + i]!;
        if (v > y[yo + i]!) y[yo + i] = v;
      }
    }
  }
  return { y, yShape: outShape(shape, ax, keepDims) };
}

export function sumToShapeFast(dy: Float32Array, dyShape: Shape, targetShape: Shape): Float32Array {
  const axes = broadcastAxes(dyShape, targetShape);
  if (axes.length === 0) return Float32Array.from(dy);
  return reduceSumFast(dy, dyShape, axes, false).y;
}
