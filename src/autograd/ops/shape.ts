/**
 * Shape and layout ops: reshape/flatten (a view: no copy, nothing saved), slice, pad (zeros), concat and
 * transpose (an axis permutation).
 * None saves any tensor: their backward passes only move gradient values around using shapes.
 */
import { ShapeError } from "../../errors/index.js";
import { formatShape, sizeOf, type Shape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";
import { copyBox } from "./strided-copy.js";

export function reshape(x: Variable, shape: Shape): Variable {
  const viewed = x.data.reshape(shape);
  return recordOp("reshape", [x], viewed.data, viewed.shape, {}, (dy) => [dy]);
}

/** [N, ...] -> [N, product of the rest]. */
export function flatten(x: Variable): Variable {
  if (x.shape.length < 1) throw new ShapeError("flatten: needs a batch axis, got a scalar", "pass a tensor shaped [batch, ...]");
  return reshape(x, [x.shape[0]!, x.size / x.shape[0]!]);
}

/** x[begin : begin + size] along every axis. */
export function slice(x: Variable, begin: readonly number[], size: readonly number[]): Variable {
  const rank = x.shape.length;
  const bad = begin.length !== rank || size.length !== rank ||
    begin.some((b, i) => !Number.isInteger(b) || b < 0 || !Number.isInteger(size[i]) || size[i]! < 0 || b + size[i]! > x.shape[i]!);
  if (bad) {
    throw new ShapeError(
      `slice: begin ${formatShape(begin)} size ${formatShape(size)} does not fit inside ${formatShape(x.shape)}`,
      "give one begin and one size per axis with begin + size <= dimension",
    );
  }
  const xShape = x.shape;
  const zeros = new Array<number>(rank).fill(0);
  const y = new Float32Array(sizeOf(size));
  copyBox(x.values, xShape, begin, y, size, zeros, size);
  return recordOp("slice", [x], y, size, {}, (dy) => {
    const dx = new Float32Array(sizeOf(xShape));
    copyBox(dy, size, zeros, dx, xShape, begin, size);
    return [dx];
  });
}

/** Zero padding: pads[i] = [before, after] for axis i. */
export function pad(x: Variable, pads: readonly (readonly [number, number])[]): Variable {
  const rank = x.shape.length;
  if (pads.length !== rank || pads.some(([a, b]) => !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)) {
    throw new ShapeError(`pad: need one non-negative [before, after] pair per axis of ${formatShape(x.shape)}`, "pass pads like [[0,0],[1,1],[1,1],[0,0]] for NHWC");
  }
  const xShape = x.shape;
  const yShape = xShape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const begin = pads.map((p) => p[0]);
  const zeros = new Array<number>(rank).fill(0);
  const y = new Float32Array(sizeOf(yShape));
  copyBox(x.values, xShape, zeros, y, yShape, begin, xShape);
  return recordOp("pad", [x], y, yShape, {}, (dy) => {
    const dx = new Float32Array(sizeOf(xShape));
    copyBox(dy, yShape, begin, dx, xShape, zeros, xShape);
    return [dx];
  });
}

/** Joins tensors along `axis`; every other dimension must agree. */
export function concat(xs: readonly Variable[], axis: number): Variable {
  if (xs.length === 0) throw new ShapeError("concat: no tensors given", "pass at least one tensor");
  const first = xs[0]!.shape;
  const rank = first.length;
  const ax = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
    throw new ShapeError(`concat: axis ${axis} is out of range for rank ${rank}`, `pass an axis in [-${rank}, ${rank - 1}]`);
  }
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== ax && d !== first[i])) {
      throw new ShapeError(`concat: ${formatShape(x.shape)} does not match ${formatShape(first)} outside axis ${ax}`, "all inputs must agree on every other dimension");
    }
  }
  const yShape = [...first];
  yShape[ax] = xs.reduce((s, x) => s + x.shape[ax]!, 0);
  const y = new Float32Array(sizeOf(yShape));
  const shapes = xs.map((x) => x.shape);
  const offsets: number[] = [];
  let at = 0;
  for (const x of xs) {
    offsets.push(at);
    const begin = new Array<number>(rank).fill(0);
    begin[ax] = at;
    copyBox(x.values, x.shape, new Array<number>(rank).fill(0), y, yShape, begin, x.shape);
    at += x.shape[ax]!;
  }
  const needs = xs.map(needsGrad);
  return recordOp("concat", xs, y, yShape, {}, (dy) =>
    shapes.map((shape, i) => {
      if (!needs[i]) return null;
      const begin = new Array<number>(rank).fill(0);
      begin[ax] = offsets[i]!;
      const dx = new Float32Array(sizeOf(shape));
      copyBox(dy, yShape, begin, dx, shape, new Array<number>(rank).fill(0), shape);
      return dx;
    }),
  );
}

/** Permutes axes: output axis i is input axis perm[i] (e.g. [0, 3, 1, 2] turns NHWC into NCHW). */
export function transpose(x: Variable, perm: readonly number[]): Variable {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`transpose: [${perm.join(", ")}] is not a permutation of the ${rank} axes of ${formatShape(x.shape)}`, `pass each of 0..${rank - 1} once`);
  }
  const xShape = x.shape;
  const yShape = perm.map((p) => xShape[p]!);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  const y = permute(x.values, xShape, perm);
  return recordOp("transpose", [x], y, yShape, {}, (dy) => [permute(dy, yShape, inverse)]);
}

/** Row-major copy of src with its axes reordered; walks the output in order with an odometer over src strides. */
function permute(src: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const out = new Float32Array(src.length);
  if (rank === 0) {
    out.set(src);
    return out;
  }
  const srcStrides = new Array<number>(rank);
  for (let i = rank - 1, st = 1; i >= 0; i--) {
    srcStrides[i] = st;
    st *= shape[i]!;
  }
  const outShape = perm.map((p) => shape[p]!);
  const step = perm.map((p) => srcStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[at]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      at += step[d]!;
      if (idx[d]! < outShape[d]!) break;
      at -= step[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
