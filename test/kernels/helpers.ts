import { expect } from "vitest";
import { Rng } from "../../src/tensor/index.js";
import type { Conv2dParams } from "../../src/kernels/index.js";

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.range(-scale, scale);
  return a;
}

export function convParams(over: Partial<Conv2dParams> = {}): Conv2dParams {
  return { strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1, ...over };
}

/** Asserts |a - b| <= tol * (1 + |b|) elementwise, reporting the first offending index. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - b[i]!);
    if (!(diff <= tol * (1 + Math.abs(b[i]!)))) {
      throw new Error(`index ${i}: ${a[i]} vs ${b[i]} (diff ${diff}, tol ${tol})`);
    }
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
