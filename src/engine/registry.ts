/**
 * The kernel registry: one entry per (op kind, input dtype), tfjs-core style. The reference kernels
 * register themselves; a faster implementation (e.g. SIMD WASM) replaces an entry with
 * `registerKernel`, usually reusing the reference `prepare` and swapping `eval`.
 */
import type { PrepareContext } from "./context.js";
import type { ActivationArray } from "./storage.js";

/** The arrays an op reads and writes, bound once at prepare time. Constants are decoded typed arrays. */
export interface OpIo {
  inputs: (ActivationArray | null)[];
  outputs: ActivationArray[];
}

export interface OpKernel<P = unknown> {
  /** Validates the op (shapes, dtypes, quantization) and computes everything eval needs. */
  prepare(ctx: PrepareContext): P;
  /** The hot loop: reads io.inputs, writes io.outputs. */
  eval(params: P, io: OpIo): void;
}

export type KernelDType = "f32" | "i8" | "f16";

const registry = new Map<string, OpKernel>();

function keyOf(kind: string, dtype: string): string {
  return `${kind}/${dtype}`;
}

export function registerKernel<P>(kind: string, dtype: KernelDType, kernel: OpKernel<P>): void {
  registry.set(keyOf(kind, dtype), kernel as OpKernel);
}

export function findKernel(kind: string, dtype: string): OpKernel | undefined {
  return registry.get(keyOf(kind, dtype));
}

/** "CONV_2D (f32, i8), ..." — for error messages and `inspect`. */
export function supportedOps(): string {
  const byKind = new Map<string, string[]>();
  for (const key of registry.keys()) {
    const [kind, dtype] = key.split("/") as [string, string];
    byKind.set(kind, [...(byKind.get(kind) ?? []), dtype]);
  }
  return [...byKind.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, dtypes]) => `${kind} (${dtypes.sort().join(", ")})`)
    .join(", ");
}
