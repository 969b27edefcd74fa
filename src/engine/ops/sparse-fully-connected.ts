/**
 * Sparse routing for pruned layers: at prepare, a FULLY_CONNECTED (or 1x1 CONV_2D, stride 1) whose constant
 * weights are sparse enough (density at most the measured break-even below) runs on a sparse kernel instead of
 * the dense one registered before this module. float32: the CSR or 2:4 kernels of src/kernels (WASM SIMD where
 * built); int8: the CSR or 2:4 kernels of src/kernels/int8-sparse, bit-exact with the dense reference (WASM SIMD
 * on the int8 runtime where built, else the TS CSR reference). The dense kernel's prepare runs first either way,
 * so the routing never changes which models are accepted or what their errors say. Weights that are dense, or int8
 * weights with a zero point (a stored 0 is then not a real 0), keep the dense kernel.
 * `useSparseKernels(false)` (or DIETML_SPARSE_KERNELS=off; DIETML_INT8_KERNELS=reference turns off the int8 part)
 * restores the dense kernels: how the tests and `npm run bench -- sparse` compare the two.
 */
import { GEMV_MAX_N } from "../../kernels/index.js";
import type { FullyConnectedInt8Params } from "../../kernels/int8/fully-connected.js";
import {
  checkSparseFullyConnected, evalFullyConnectedInt8Csr, evalFullyConnectedInt8CsrWasm, evalFullyConnectedInt8TwoFourWasm,
  prepareFullyConnectedInt8CsrWasm, prepareFullyConnectedInt8TwoFourWasm, toCsrInt8, type CsrInt8Matrix,
} from "../../kernels/int8-sparse/index.js";
import type { PrepareContext } from "../context.js";
import { evalSparseFullyConnectedF32, prepareSparseFullyConnectedF32, type SparseFullyConnectedF32 } from "../f32/sparse-fully-connected.js";
import { findKernel, registerKernel, type OpIo, type OpKernel } from "../registry.js";
import { CONV_1X1_VIEW, FULLY_CONNECTED_VIEW, type AsFullyConnected } from "./sparse-as-fully-connected.js";
import { isTwoFour, weightDensity } from "./sparse-weights.js";

/**
 * Largest weight density (kept / all) routed to a sparse kernel. Measured on the engine with a pruned [300, 784]
 * FULLY_CONNECTED (random masks; bench/sparse.ts has the LeNet-300-100 table):
 * - int8, batch 1: CSR 6.5 us vs dense 7.8 us at density 0.10, 11.6 vs 7.9 at 0.20: break-even ~0.12.
 *   Batch 16: 54 vs 73 us at 0.05, 96 vs 72 at 0.10 (the dense GEMM reuses each weight across rows; the CSR
 *   kernel gathers per row): ~0.07. A 1x1 conv has one row per pixel, so it uses the batched figure.
 *   2:4 weights at batch 1: the 2:4 kernel 6.8 us vs dense 8.1 (the CSR kernel takes 28); at batch 4 and 16 it
 *   is slower than dense (25.6 vs 19.0, 100 vs 74 us), so it runs at batch 1 only.
 * - f32 (dense weights resident in WASM memory, kernels/wasm/dense.ts; one thread): batch 1, CSR vs dense GEMV
 *   8.9 vs 13.5 us at density 0.10, 11.9 vs 12.3 at 0.15, 15.6 vs 12.2 at 0.20: break-even ~0.15. The CSR kernel
 *   shares each weight across rows, so with more rows it wins further (batch 4: 37 vs 33 us at 0.3; batch 16: 65
 *   vs 129 at 0.3, 185 vs 129 at 0.5); 0.15 is kept up to GEMV_MAX_N rows (conservative from batch 4). Above
 *   that the dense path is the tiled GEMM (batch 16 measured on it: CSR 185 vs 359 us at 0.5, 195 vs 317 at 0.7,
 *   323 vs 284 at 1.0): pruned layers up to 0.7 kept go to CSR, as do most 1x1 convs (one row per pixel).
 *   2:4 weights go to CSR too: at batch 1 the CSR kernel beats the 2:4 one (36 vs 63 us), at batch 16 they tie;
 *   the 2:4 kernel runs only when f32TwoFour is set (it is slower than the dense GEMV: 63 vs ~12 us at batch 1).
 */
export interface SparsePolicy {
  int8MaxDensity: number;
  /** The same for more than one row per invoke (batches, or a 1x1 conv's pixels). */
  int8MaxDensityBatched: number;
  /** 2:4 int8 weights denser than int8MaxDensity run on the 2:4 kernel (batch 1 only). */
  int8TwoFour: boolean;
  /** float32, up to GEMV_MAX_N rows per invoke (where the dense layer runs on the GEMV kernel). */
  f32MaxDensity: number;
  /** float32, more rows (the dense layer runs on the tiled GEMM). */
  f32MaxDensityBatched: number;
  /** 2:4 float32 weights denser than the f32 limit run on the 2:4 kernel (off: slower than dense). */
  f32TwoFour: boolean;
}

export const DEFAULT_SPARSE_POLICY: Readonly<SparsePolicy> = {
  int8MaxDensity: 0.12, int8MaxDensityBatched: 0.07, int8TwoFour: true, f32MaxDensity: 0.15, f32MaxDensityBatched: 0.7, f32TwoFour: false,
};

type Routed<S> = { sparse: false; dense: unknown } | { sparse: true; params: S };

/** The op seen as a FULLY_CONNECTED, or null when it is not one or the view refuses it (then the dense kernel runs). */
function viewOrNull<T>(see: () => T | null): T | null {
  try {
    return see();
  } catch {
    return null;
  }
}

interface SparseInt8 {
  params: FullyConnectedInt8Params;
  format: "csr" | "2:4";
  weights: Int8Array;
  csr: CsrInt8Matrix;
  bias: Int32Array | null;
  /** The WASM kernel, bound on the first eval (no WASM memory at prepare); null: the TS CSR reference runs. */
  fast: ((x: Int8Array, y: Int8Array) => void) | null | undefined;
}

function bindInt8(s: SparseInt8): ((x: Int8Array, y: Int8Array) => void) | null {
  if (s.format === "2:4") {
    const op = prepareFullyConnectedInt8TwoFourWasm(s.params, s.weights, s.bias);
    return op && ((x, y) => evalFullyConnectedInt8TwoFourWasm(op, x, y));
  }
  const op = prepareFullyConnectedInt8CsrWasm(s.params, s.csr, s.bias);
  return op && ((x, y) => evalFullyConnectedInt8CsrWasm(op, x, y));
}

function int8Kernel(dense: OpKernel, view: AsFullyConnected, policy: SparsePolicy): OpKernel<Routed<SparseInt8>> {
  return {
    prepare(ctx: PrepareContext) {
      const d = dense.prepare(ctx);
      const params = viewOrNull(() => view.int8(ctx));
      if (params === null || params.filterOffset !== 0) return { sparse: false, dense: d };
      const w = ctx.constantInt8(ctx.input(1));
      const maxDensity = params.batches > 1 ? policy.int8MaxDensityBatched : policy.int8MaxDensity;
      const twoFour = policy.int8TwoFour && params.batches === 1 && isTwoFour(w, params.accumDepth);
      const format = weightDensity(w) <= maxDensity ? "csr" : twoFour ? "2:4" : null;
      if (format === null) return { sparse: false, dense: d };
      const csr = toCsrInt8(w, params.outDepth, params.accumDepth);
      checkSparseFullyConnected(params, csr);
      const b = ctx.optionalInput(2);
      return { sparse: true, params: { params, format, weights: w, csr, bias: b ? ctx.constantInt32(b) : null, fast: undefined } };
    },
    eval(r, io: OpIo) {
      if (!r.sparse) return dense.eval(r.dense, io);
      const s = r.params;
      if (s.fast === undefined) s.fast = bindInt8(s);
      if (s.fast !== null) s.fast(io.inputs[0] as Int8Array, io.outputs[0] as Int8Array);
      else evalFullyConnectedInt8Csr(s.params, io.inputs[0] as Int8Array, s.csr, s.bias, io.outputs[0] as Int8Array);
    },
  };
}

function f32Kernel(dense: OpKernel, view: AsFullyConnected, policy: SparsePolicy): OpKernel<Routed<SparseFullyConnectedF32>> {
  return {
    prepare(ctx: PrepareContext) {
      const d = dense.prepare(ctx);
      const geometry = viewOrNull(() => view.f32(ctx));
      if (geometry === null) return { sparse: false, dense: d };
      const w = ctx.constantFloat32(ctx.input(1));
      const maxDensity = geometry.batches > GEMV_MAX_N ? policy.f32MaxDensityBatched : policy.f32MaxDensity;
      const format = weightDensity(w) <= maxDensity ? "csr" : policy.f32TwoFour && isTwoFour(w, geometry.accumDepth) ? "2:4" : null;
      return format === null ? { sparse: false, dense: d } : { sparse: true, params: prepareSparseFullyConnectedF32(geometry, w, format) };
    },
    eval(r, io: OpIo) {
      if (!r.sparse) return dense.eval(r.dense, io);
      evalSparseFullyConnectedF32(r.params, io.inputs[0] as Float32Array, (io.inputs[2] ?? null) as Float32Array | null, io.outputs[0] as Float32Array);
    },
  };
}

const ROUTED: { kind: string; view: AsFullyConnected }[] = [
  { kind: "FULLY_CONNECTED", view: FULLY_CONNECTED_VIEW },
  { kind: "CONV_2D", view: CONV_1X1_VIEW },
];

/** The dense kernels this module wraps (whatever was registered when it loaded: WASM or reference). */
const denseKernels = new Map(ROUTED.flatMap(({ kind }) => (["i8", "f32"] as const).map((dtype) => [`${kind}/${dtype}`, findKernel(kind, dtype)!] as const)));

/**
 * true: pruned layers run on the sparse kernels (the default); false: the dense kernels. Models prepared before
 * the call keep the kernels they were prepared with.
 */
export function useSparseKernels(on: boolean, policy: Partial<SparsePolicy> = {}): void {
  const p = { ...DEFAULT_SPARSE_POLICY, ...policy };
  const int8 = on && process.env.DIETML_INT8_KERNELS !== "reference";
  for (const { kind, view } of ROUTED) {
    const denseI8 = denseKernels.get(`${kind}/i8`)!;
    const denseF32 = denseKernels.get(`${kind}/f32`)!;
    registerKernel(kind, "i8", int8 ? int8Kernel(denseI8, view, p) : denseI8);
    registerKernel(kind, "f32", on ? f32Kernel(denseF32, view, p) : denseF32);
  }
}

useSparseKernels(process.env.DIETML_SPARSE_KERNELS !== "off");
