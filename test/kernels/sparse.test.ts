import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { applyMask, magnitudeMask, nmMask } from "../../src/compress/prune.js";
import { ArgumentError, ShapeError } from "../../src/errors/index.js";
import {
  csrMatmul, csrMatmulRef, matmul, poolThreads, prepareCsrWasm, prepareSparse24Wasm, setKernelBackend, setPoolThreads, sparse24Matmul,
  sparse24MatmulRef, toCsr, toSparse24,
} from "../../src/kernels/index.js";
import { matmulRef } from "../../src/kernels/ref/gemm.js";
import { sparseModule } from "../../src/kernels/wasm/sparse.js";
import { Rng } from "../../src/tensor/index.js";
import { expectClose, randomArray } from "./helpers.js";

const TOL = 1e-4;

/** A [m, k] with `sparsity` of its entries pruned by magnitude (or to 2:4). */
function prunedMatrix(rng: Rng, m: number, k: number, sparsity: number | "2:4"): Float32Array {
  const a = randomArray(rng, m * k);
  applyMask(a, sparsity === "2:4" ? nmMask(a, [m, k], 2, 4) : magnitudeMask(a, sparsity));
  return a;
}

const SPARSITIES = [0, 0.3, 0.5, 0.75, 0.9, 0.99];
/** Odd sizes on purpose: rows and columns of A not multiples of anything, batches around the 4- and 16-column blocks. */
const SHAPES: [number, number][] = [[1, 1], [3, 7], [37, 53], [41, 67], [8, 129]];
const BATCHES = [1, 2, 3, 4, 5, 7, 15, 16, 17, 19, 33, 64];

describe("sparse reference kernels vs the dense reference matmul", () => {
  it("CSR on a hand-checked 2x3 case", () => {
    const a = Float32Array.from([0, 2, 0, 1, 0, -1]);
    const b = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    const csr = toCsr(a, 2, 3);
    expect(Array.from(csr.rowStart)).toEqual([0, 1, 3]);
    expect(Array.from(csr.colIndex)).toEqual([1, 0, 2]);
    expect(Array.from(csrMatmulRef(csr, b, 2))).toEqual([6, 8, -4, -4]);
    expect(Array.from(prepareCsrWasm(csr)!.matmul(b, 2))).toEqual([6, 8, -4, -4]);
  });

  for (const sparsity of [0, 0.5, 0.75, 0.9, 0.99]) {
    it(`CSR at ${sparsity * 100}% sparsity`, () => {
      const rng = new Rng(sparsity * 100 + 1);
      const [m, k, n] = [37, 53, 19];
      const a = prunedMatrix(rng, m, k, sparsity);
      const b = randomArray(rng, k * n);
      expectClose(csrMatmulRef(toCsr(a, m, k), b, n), matmulRef(a, b, m, k, n), TOL);
    });
  }

  it("2:4 (including groups with fewer than two non-zeros)", () => {
    const rng = new Rng(4);
    const [m, k, n] = [29, 64, 23];
    const a = prunedMatrix(rng, m, k, "2:4");
    a.fill(0, 8, 12); // an all-zero group
    a[13] = 0; // a group with one non-zero
    const b = randomArray(rng, k * n);
    const packed = toSparse24(a, m, k);
    expect(packed.values.length).toBe((m * k) / 2);
    expect(packed.positions.length).toBe((m * k) / 8);
    expectClose(sparse24MatmulRef(packed, b, n), matmulRef(a, b, m, k, n), TOL);
  });

  it("2:4 packing rejects matrices that are not 2:4, products reject a B of the wrong size", () => {
    expect(() => toSparse24(Float32Array.from([1, 1, 1, 0]), 1, 4)).toThrow(ArgumentError);
    expect(() => toSparse24(new Float32Array(6), 1, 6)).toThrow(ArgumentError);
    expect(() => csrMatmulRef(toCsr(new Float32Array(6), 2, 3), new Float32Array(5), 2)).toThrow(ShapeError);
    expect(() => prepareCsrWasm(toCsr(new Float32Array(6), 2, 3))!.matmul(new Float32Array(5), 2)).toThrow(ShapeError);
    expect(() => prepareSparse24Wasm(toSparse24(new Float32Array(8), 2, 4))!.matmul(new Float32Array(3), 1)).toThrow(ShapeError);
  });
});

describe("WASM sparse kernels equal the reference and the dense matmul", () => {
  const threads = poolThreads();
  beforeAll(() => {
    if (sparseModule() === null) throw new Error("build/wasm/sparse.wasm missing: run `npm run build:wasm` first");
  });
  afterEach(() => {
    setPoolThreads(threads);
    setKernelBackend("wasm");
  });

  it("CSR: odd shapes, 0-99% sparsity, any batch, several B per prepared A", () => {
    const rng = new Rng(8);
    for (const [m, k] of SHAPES) for (const sparsity of SPARSITIES) {
      const a = prunedMatrix(rng, m, k, sparsity);
      const csr = toCsr(a, m, k);
      const prepared = prepareCsrWasm(csr)!;
      for (const n of BATCHES) {
        const b = randomArray(rng, k * n);
        const got = prepared.matmul(b, n);
        expectClose(got, csrMatmulRef(csr, b, n), TOL);
        expectClose(got, matmulRef(a, b, m, k, n), TOL);
        expectClose(got, matmul(a, b, m, k, n), TOL);
        expectClose(csrMatmul(csr, b, n), got, TOL);
      }
    }
  });

  it("2:4: odd row counts, any batch, several B per prepared A", () => {
    const rng = new Rng(9);
    for (const [m, k] of [[1, 4], [3, 8], [29, 64], [37, 132]] as const) {
      const a = prunedMatrix(rng, m, k, "2:4");
      a[1] = 0; // a group with one non-zero
      const packed = toSparse24(a, m, k);
      const prepared = prepareSparse24Wasm(packed)!;
      for (const n of BATCHES) {
        const b = randomArray(rng, k * n);
        const got = prepared.matmul(b, n);
        expectClose(got, sparse24MatmulRef(packed, b, n), TOL);
        expectClose(got, matmulRef(a, b, m, k, n), TOL);
        expectClose(got, matmul(a, b, m, k, n), TOL);
        expectClose(sparse24Matmul(packed, b, n), got, TOL);
      }
    }
  });

  it("prepared matrices keep their own memory; rows with no entries give zeros", () => {
    const rng = new Rng(10);
    const [m, k] = [41, 67];
    const a1 = prunedMatrix(rng, m, k, 0.5);
    const a2 = prunedMatrix(rng, m, k, 0.5);
    a2.fill(0, 0, 3 * k); // three empty rows
    const [p1, p2] = [prepareCsrWasm(toCsr(a1, m, k))!, prepareCsrWasm(toCsr(a2, m, k))!];
    const b = randomArray(rng, k * 9);
    expectClose(p1.matmul(b, 9), matmulRef(a1, b, m, k, 9), TOL);
    const c2 = p2.matmul(b, 9);
    expectClose(c2, matmulRef(a2, b, m, k, 9), TOL);
    expect(Array.from(c2.subarray(0, 27)).every((v) => v === 0)).toBe(true);
  });

  it("are bit-identical with 1 and 2 threads (rows split between threads)", () => {
    const rng = new Rng(11);
    const [m, k, n] = [300, 784, 64];
    const b = randomArray(rng, k * n);
    for (const sparsity of [0.5, "2:4"] as const) {
      const a = prunedMatrix(rng, m, k, sparsity);
      const prepared = sparsity === "2:4" ? prepareSparse24Wasm(toSparse24(a, m, k))! : prepareCsrWasm(toCsr(a, m, k))!;
      setPoolThreads(1);
      const one = prepared.matmul(b, n);
      setPoolThreads(2);
      const two = prepared.matmul(b, n);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      expectClose(two, matmulRef(a, b, m, k, n), TOL);
    }
  });

  it("the one-shot products follow setKernelBackend", () => {
    const rng = new Rng(12);
    const [m, k, n] = [64, 128, 32];
    const a = prunedMatrix(rng, m, k, "2:4");
    const b = randomArray(rng, k * n);
    const [csr, packed] = [toCsr(a, m, k), toSparse24(a, m, k)];
    setKernelBackend("ref");
    expect(Array.from(csrMatmul(csr, b, n))).toEqual(Array.from(csrMatmulRef(csr, b, n)));
    expect(Array.from(sparse24Matmul(packed, b, n))).toEqual(Array.from(sparse24MatmulRef(packed, b, n)));
    setKernelBackend("wasm");
    expect(Array.from(csrMatmul(csr, b, n))).toEqual(Array.from(prepareCsrWasm(csr)!.matmul(b, n)));
    expect(Array.from(sparse24Matmul(packed, b, n))).toEqual(Array.from(prepareSparse24Wasm(packed)!.matmul(b, n)));
  });
});
