import { beforeAll, describe, expect, it } from "vitest";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { gemmModule, matmulWasm } from "../../src/kernels/wasm/gemm.js";
import { poolWorkerCount, setPoolThreads } from "../../src/kernels/wasm/pool.js";
import { Rng } from "../../src/tensor/index.js";
import { expectClose, randomArray } from "./helpers.js";

describe("wasm gemm equals the reference gemm", () => {
  beforeAll(() => {
    if (gemmModule() === null) throw new Error("build/wasm/gemm.wasm missing: run `npm run build:wasm` first");
  });

  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 3], [3, 7, 17], [4, 8, 8], [7, 1, 9], [17, 33, 5], [33, 300, 9], [9, 513, 33], [64, 25, 6], [70, 64, 130],
  ];
  for (const threads of [1, 2]) {
    it(`odd shapes, every transpose combination, accumulate, ${threads} thread(s)`, () => {
      setPoolThreads(threads);
      const rng = new Rng(42 + threads);
      for (const [m, k, n] of sizes) {
        for (const transA of [false, true]) for (const transB of [false, true]) {
          const a = randomArray(rng, m * k);
          const b = randomArray(rng, k * n);
          expectClose(matmulWasm(a, b, m, k, n, { transA, transB }), matmulRef(a, b, m, k, n, { transA, transB }), 1e-5 * Math.sqrt(k));
          const base = randomArray(rng, m * n);
          const want = matmulRef(a, b, m, k, n, { transA, transB, out: Float32Array.from(base), accumulate: true });
          const got = matmulWasm(a, b, m, k, n, { transA, transB, out: Float32Array.from(base), accumulate: true });
          expectClose(got, want, 1e-5 * Math.sqrt(k));
        }
      }
    });
  }

  it("handles K = 0 (zero result, or out unchanged when accumulating)", () => {
    expect(Array.from(matmulWasm(new Float32Array(0), new Float32Array(0), 2, 0, 3))).toEqual([0, 0, 0, 0, 0, 0]);
    const out = Float32Array.from([1, 2]);
    matmulWasm(new Float32Array(0), new Float32Array(0), 1, 0, 2, { out, accumulate: true });
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it("is bit-identical with 1 and 2 threads, split by rows or by columns", () => {
    const rng = new Rng(7);
    for (const [m, k, n] of [[300, 200, 100], [6, 3000, 250], [257, 129, 31]] as const) {
      const a = randomArray(rng, m * k);
      const b = randomArray(rng, k * n);
      setPoolThreads(1);
      const one = matmulWasm(a, b, m, k, n, { transA: true });
      setPoolThreads(2);
      const two = matmulWasm(a, b, m, k, n, { transA: true });
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      expectClose(two, matmulRef(a, b, m, k, n, { transA: true }), 1e-4);
    }
    expect(poolWorkerCount()).toBe(1);
  });

  it("stays bit-identical over many back-to-back 2-thread calls (worker claims vs main thread taking chunks back)", () => {
    const rng = new Rng(8);
    const [m, k, n] = [96, 90, 70];
    const a = randomArray(rng, m * k);
    const b = randomArray(rng, k * n);
    setPoolThreads(1);
    const want = Buffer.from(matmulWasm(a, b, m, k, n).buffer);
    setPoolThreads(2);
    for (let i = 0; i < 400; i++) {
      const got = Buffer.from(matmulWasm(a, b, m, k, n).buffer);
      if (!got.equals(want)) throw new Error(`call ${i} differs`);
    }
  });

  it("equals the reference on 60 seeded random shapes and flags", () => {
    const rng = new Rng(77);
    for (let trial = 0; trial < 60; trial++) {
      setPoolThreads(1 + (trial % 2));
      const [m, k, n] = [1 + rng.int(70), rng.int(300) + 1, 1 + rng.int(70)];
      const opts = { transA: rng.int(2) === 0, transB: rng.int(2) === 0, accumulate: rng.int(3) === 0 };
      const a = randomArray(rng, m * k);
      const b = randomArray(rng, k * n);
      const base = randomArray(rng, m * n);
      const want = matmulRef(a, b, m, k, n, { ...opts, out: Float32Array.from(base) });
      const got = matmulWasm(a, b, m, k, n, { ...opts, out: Float32Array.from(base) });
      expectClose(got, want, 1e-5 * Math.sqrt(k));
    }
  });
});
