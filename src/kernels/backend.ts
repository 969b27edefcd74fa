import { ArgumentError } from "../errors/index.js";

/** Which implementation the public kernels use: "wasm" (SIMD, when built) or "ref" (pure TS, the specification). */
export type KernelBackend = "ref" | "wasm";

let current: KernelBackend = "wasm";

/** Forces a backend (tests and benchmarks compare the two). "wasm" still falls back to "ref" when not built. */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend !== "ref" && backend !== "wasm") {
    throw new ArgumentError(`unknown kernel backend "${String(backend)}"`, 'use "ref" or "wasm"');
  }
  current = backend;
}

export function getKernelBackend(): KernelBackend {
  return current;
}
