import { beforeAll, describe, expect, it } from "vitest";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { GEMV_MAX_N, prepareDenseWasm } from "../../src/kernels/wasm/dense.js";
import { gemmModule } from "../../src/kernels/wasm/gemm.js";
import { setPoolThreads } from "../../src/kernels/wasm/pool.js";
import { Rng } from "../../src/tensor/index.js";
import { expectClose, randomArray } from "./helpers.js";

/** X [n, cols] x W^T through the reference GEMM. */
function oracle(w: Float32Array, x: Float32Array, rows: number, cols: number, n: number): Float32Array {
  return matmulRef(x, w, n, cols, rows, { transB: true });
}

describe("resident dense weights (GEMV at small batch, GEMM above) equal the reference gemm", () => {
  beforeAll(() => {
    if (gemmModule() === null) throw new Error("build/wasm/gemm.wasm missing: run `npm run build:wasm` first");
  });

  // rows not a multiple of 4, cols not a multiple of 4, batches on both sides of GEMV_MAX_N
  const shapes: [number, number][] = [[1, 1], [1, 7], [3, 5], [4, 4], [17, 13], [17, 33], [5, 300], [300, 785]];
  for (const threads of [1, 2]) {
    it(`odd shapes, batch 1..${GEMV_MAX_N + 2}, ${threads} thread(s)`, () => {
      setPoolThreads(threads);
      const rng = new Rng(7 + threads);
      for (const [rows, cols] of shapes) {
        const w = randomArray(rng, rows * cols);
        const dense = prepareDenseWasm(w, rows, cols)!;
        for (let n = 1; n <= GEMV_MAX_N + 2; n++) {
          const x = randomArray(rng, n * cols);
          expectClose(dense.matmulT(x, n), oracle(w, x, rows, cols, n), 1e-5 * Math.sqrt(cols));
        }
      }
    });
  }

  it("splits large products over threads with the same result as one thread", () => {
    const rng = new Rng(3);
    const [rows, cols] = [1023, 601];
    const w = randomArray(rng, rows * cols);
    const x = randomArray(rng, 2 * cols);
    const dense = prepareDenseWasm(w, rows, cols)!;
    setPoolThreads(1);
    const one = dense.matmulT(x, 2);
    setPoolThreads(2);
    expect(Array.from(dense.matmulT(x, 2))).toEqual(Array.from(one));
    expectClose(one, oracle(w, x, rows, cols, 2), 1e-5 * Math.sqrt(cols));
  });

  it("keeps W across calls that reset scratch memory (other kernels in between)", () => {
    const rng = new Rng(5);
    const w = randomArray(rng, 9 * 11);
    const dense = prepareDenseWasm(w, 9, 11)!;
    const other = prepareDenseWasm(randomArray(rng, 64 * 64), 64, 64)!;
    other.matmulT(randomArray(rng, 5 * 64), 5);
    const x = randomArray(rng, 11);
    expectClose(dense.matmulT(x, 1), oracle(w, x, 9, 11, 1), 1e-5);
  });

  it("handles cols = 0 (zero result)", () => {
    expect(Array.from(prepareDenseWasm(new Float32Array(0), 2, 0)!.matmulT(new Float32Array(0), 1))).toEqual([0, 0]);
  });
});
