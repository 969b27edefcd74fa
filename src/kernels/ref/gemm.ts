import { expectLength } from "../params.js";

export interface MatmulOptions {
  /** A is stored [K, M] (its transpose is used). */
  transA?: boolean;
  /** B is stored [N, K] (its transpose is used). */
  transB?: boolean;
  /** Destination [M, N]; allocated when absent. */
  out?: Float32Array;
  /** Add into `out` instead of overwriting it. */
  accumulate?: boolean;
}

/** Reference GEMM: C[M,N] = op(A)[M,K] x op(B)[K,N], one dot product per output, summed in K order. */
export function matmulRef(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts: MatmulOptions = {}): Float32Array {
  expectLength("matmul", "A", a, m * k);
  expectLength("matmul", "B", b, k * n);
  const out = opts.out ?? new Float32Array(m * n);
  expectLength("matmul", "out", out, m * n);
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        s += av * bv;
      }
      out[i * n + j] = opts.accumulate === true ? out[i * n + j]! + s : s;
    }
  }
  return out;
}
