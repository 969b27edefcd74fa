import { describe, expect, it } from "vitest";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { Rng } from "../../src/tensor/index.js";
import { ShapeError } from "../../src/errors/index.js";
import { expectClose, randomArray } from "./helpers.js";

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

describe("reference matmul", () => {
  it("multiplies a hand-checked 2x3 by 3x2", () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([7, 8, 9, 10, 11, 12]);
    expect(Array.from(matmulRef(a, b, 2, 3, 2))).toEqual([58, 64, 139, 154]);
  });

  it("treats transposed storage as the transpose, for every combination", () => {
    const rng = new Rng(1);
    const [m, k, n] = [5, 7, 3];
    const a = randomArray(rng, m * k);
    const b = randomArray(rng, k * n);
    const c = matmulRef(a, b, m, k, n);
    const at = transpose(a, m, k);
    const bt = transpose(b, k, n);
    expectClose(matmulRef(at, b, m, k, n, { transA: true }), c);
    expectClose(matmulRef(a, bt, m, k, n, { transB: true }), c);
    expectClose(matmulRef(at, bt, m, k, n, { transA: true, transB: true }), c);
  });

  it("writes into out, and adds into it when accumulating", () => {
    const a = Float32Array.from([1, 2]);
    const b = Float32Array.from([3, 4]);
    const out = Float32Array.from([10]);
    expect(matmulRef(a, b, 1, 2, 1, { out })).toBe(out);
    expect(out[0]).toBe(11);
    matmulRef(a, b, 1, 2, 1, { out, accumulate: true });
    expect(out[0]).toBe(22);
  });

  it("rejects operands whose length does not match the shape", () => {
    expect(() => matmulRef(new Float32Array(5), new Float32Array(6), 2, 3, 2)).toThrow(ShapeError);
  });
});
