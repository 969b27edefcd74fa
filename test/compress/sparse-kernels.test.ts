import { describe, expect, it } from "vitest";
import { nmMask, magnitudeMask, applyMask } from "../../src/compress/prune.js";
import { csrMatmul, toCsr } from "../../src/compress/sparse/csr.js";
import { sparse24Matmul, toSparse24 } from "../../src/compress/sparse/nm.js";
import { prepareCsrWasm } from "../../src/compress/sparse/csr-wasm.js";
import { prepareSparse24Wasm } from "../../src/compress/sparse/nm-wasm.js";
import { ArgumentError } from "../../src/errors/index.js";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { Rng } from "../../src/tensor/index.js";

function randomMatrix(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

function expectClose(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i]!)));
}

describe("sparse kernels vs the dense reference matmul", () => {
  it("CSR matmul equals dense on a hand-checked 2x3 case", () => {
    const a = Float32Array.from([0, 2, 0, 1, 0, -1]);
    const b = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    const csr = toCsr(a, 2, 3);
    expect(Array.from(csr.rowStart)).toEqual([0, 1, 3]);
    expect(Array.from(csr.colIndex)).toEqual([1, 0, 2]);
    expect(Array.from(csrMatmul(csr, b, 2))).toEqual([6, 8, -4, -4]);
  });

  for (const sparsity of [0, 0.5, 0.75, 0.9, 0.99]) {
    it(`CSR at ${sparsity * 100}% sparsity`, () => {
      const rng = new Rng(sparsity * 100 + 1);
      const [m, k, n] = [37, 53, 19];
      const a = randomMatrix(rng, m * k);
      applyMask(a, magnitudeMask(a, sparsity));
      const b = randomMatrix(rng, k * n);
      expectClose(csrMatmul(toCsr(a, m, k), b, n), matmulRef(a, b, m, k, n));
    });
  }

  it("the WASM SIMD CSR kernel equals dense at 0-99% sparsity, for several B with one prepared A", () => {
    const rng = new Rng(8);
    const [m, k] = [41, 67];
    for (const sparsity of [0, 0.5, 0.9, 0.99]) {
      const a = randomMatrix(rng, m * k);
      applyMask(a, magnitudeMask(a, sparsity));
      const prepared = prepareCsrWasm(toCsr(a, m, k));
      expect(prepared).not.toBeNull();
      for (const n of [4, 64, 12]) {
        const b = randomMatrix(rng, k * n);
        expectClose(prepared!.matmul(b, n), matmulRef(a, b, m, k, n));
      }
      expect(() => prepared!.matmul(new Float32Array(k * 3), 3)).toThrow(RangeError);
    }
    // two prepared matrices do not share memory
    const a1 = randomMatrix(rng, m * k);
    const a2 = randomMatrix(rng, m * k);
    const [p1, p2] = [prepareCsrWasm(toCsr(a1, m, k))!, prepareCsrWasm(toCsr(a2, m, k))!];
    const b = randomMatrix(rng, k * 8);
    expectClose(p1.matmul(b, 8), matmulRef(a1, b, m, k, 8));
    expectClose(p2.matmul(b, 8), matmulRef(a2, b, m, k, 8));
  });

  it("2:4 matmul equals dense (including groups with fewer than two non-zeros)", () => {
    const rng = new Rng(4);
    const [m, k, n] = [29, 64, 23];
    const a = randomMatrix(rng, m * k);
    applyMask(a, nmMask(a, [m, k], 2, 4));
    a.fill(0, 8, 12); // an all-zero group
    a[13] = 0; // a group with one non-zero
    const b = randomMatrix(rng, k * n);
    const packed = toSparse24(a, m, k);
    expect(packed.values.length).toBe((m * k) / 2);
    expect(packed.positions.length).toBe((m * k) / 8);
    expectClose(sparse24Matmul(packed, b, n), matmulRef(a, b, m, k, n));
    // the WASM SIMD 2:4 kernel, several B sizes with one prepared A
    const wasm = prepareSparse24Wasm(packed)!;
    for (const cols of [4, 24, 8]) {
      const bn = randomMatrix(rng, k * cols);
      expectClose(wasm.matmul(bn, cols), matmulRef(a, bn, m, k, cols));
    }
  });

  it("2:4 packing rejects matrices that are not 2:4", () => {
    expect(() => toSparse24(Float32Array.from([1, 1, 1, 0]), 1, 4)).toThrow(ArgumentError);
    expect(() => toSparse24(new Float32Array(6), 1, 6)).toThrow(ArgumentError);
  });
});
