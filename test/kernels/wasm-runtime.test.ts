import { describe, expect, it } from "vitest";
import {
  allocPersistent, allocScratch, f32View, loadKernelModule, poolWorkerCount, resetScratch, setPoolThreads,
} from "../../src/kernels/wasm/runtime.js";
import { matmulWasm } from "../../src/kernels/wasm/gemm.js";
import { depthwiseConv2dWasm } from "../../src/kernels/wasm/depthwise.js";
import { depthwiseConv2dRef } from "../../src/kernels/ref/depthwise.js";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { Rng } from "../../src/tensor/index.js";
import { UnsupportedError } from "../../src/errors/index.js";
import { convParams, expectClose, randomArray } from "./helpers.js";

describe("wasm runtime", () => {
  it("keeps persistent allocations across scratch resets", () => {
    resetScratch();
    const before = allocScratch(64);
    const kept = allocPersistent(16);
    f32View(kept, 4).set([1, 2, 3, 4]);
    resetScratch();
    const after = allocScratch(1024);
    f32View(after, 256).fill(9);
    expect(after).toBeGreaterThan(kept);
    expect(Array.from(f32View(kept, 4))).toEqual([1, 2, 3, 4]);
    expect(before).toBeLessThan(kept);
  });

  it("reports a request beyond the 4 GiB WebAssembly memory as a typed error", () => {
    resetScratch();
    expect(() => allocScratch(5 * 2 ** 30)).toThrow(UnsupportedError);
    resetScratch();
    expect(allocScratch(64)).toBeGreaterThan(0);
  });

  it("returns null for a module that was never built", () => {
    expect(loadKernelModule("no-such-module")).toBeNull();
  });

  it("hands a module loaded after the pool started to its workers", () => {
    setPoolThreads(2);
    const rng = new Rng(1);
    const a = randomArray(rng, 200 * 150);
    const b = randomArray(rng, 150 * 120);
    expectClose(matmulWasm(a, b, 200, 150, 120), matmulRef(a, b, 200, 150, 120), 1e-4);
    expect(poolWorkerCount()).toBe(1);
    // the depthwise module is loaded only now, after the pool started; run it on both threads at once
    const xShape = [16, 16, 16, 32] as const;
    const x = randomArray(rng, 16 * 16 * 16 * 32);
    const w = randomArray(rng, 9 * 32);
    const p = convParams({ padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 });
    expectClose(depthwiseConv2dWasm(x, xShape, w, [1, 3, 3, 32], null, p).y, depthwiseConv2dRef(x, xShape, w, [1, 3, 3, 32], null, p).y, 1e-5);
  });
});
