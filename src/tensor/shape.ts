import { ShapeError } from "../errors/index.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (the last axis is contiguous): NHWC tensors have strides [H*W*C, W*C, C, 1]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** NumPy-style broadcast of two shapes; throws a ShapeError naming both when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape, where = "broadcast"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${where}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast (axis ${i}: ${da} vs ${db})`,
        "make the trailing dimensions equal or 1",
      );
    }
    out[i] = Math.max(da, db);
  }
  return out;
}
