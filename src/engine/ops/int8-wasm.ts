/**
 * Swaps the int8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and AVERAGE_POOL_2D kernels for the SIMD WASM
 * ones (src/kernels/int8-wasm) when build/wasm/int8.wasm is built, and makes int8 activations resident in that
 * module's memory so the kernels run in place. The reference kernel's prepare still validates and computes
 * the constants; the fast kernel packs them into WASM memory on its first eval (prepare allocates none
 * there). Grouped convs, depth multipliers > 1 and FC weight zero points run there too.
 * DIETML_INT8_KERNELS=reference, or `useInt8Reference(true)`, forces the reference path (bit-identical,
 * slower).
 */
import type { PoolInt8Params } from "../../kernels/int8/average-pool.js";
import type { Conv2dInt8Params } from "../../kernels/int8/conv2d.js";
import type { DepthwiseConv2dInt8Params } from "../../kernels/int8/depthwise-conv2d.js";
import type { FullyConnectedInt8Params } from "../../kernels/int8/fully-connected.js";
import {
  allocResidentInt8,
  evalAveragePoolWasm,
  evalConv2dWasm,
  evalDepthwiseConv2dWasm,
  evalFullyConnectedWasm,
  int8Runtime,
  type AveragePoolWasm,
  prepareAveragePoolWasm,
  prepareConv2dWasm,
  prepareDepthwiseConv2dWasm,
  prepareFullyConnectedWasm,
} from "../../kernels/int8-wasm/index.js";
import { elementCount, type Graph, type GraphTensor } from "../../graph/index.js";
import type { PrepareContext } from "../context.js";
import { findKernel, registerKernel, type OpIo, type OpKernel } from "../registry.js";
import { activationArrayFor, createSimpleStorage, setDefaultStorage, type ActivationArray, type TensorStorage } from "../storage.js";

interface Fast<R, F> {
  ref: R;
  /** Packed on the first eval (undefined until then), so prepare allocates no WASM memory; null: reference. */
  fast: F | null | undefined;
  pack: () => F | null;
}

const FAST_KINDS = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D"] as const;
const reference = new Map<string, OpKernel>(FAST_KINDS.map((k) => [k, findKernel(k, "i8")!]));

function constants(ctx: PrepareContext): { filter: Int8Array; bias: Int32Array | null } {
  const b = ctx.optionalInput(2);
  return { filter: ctx.constantInt8(ctx.input(1)), bias: b ? ctx.constantInt32(b) : null };
}

function fastKernel<R, F>(kind: string, pack: (ref: R, filter: Int8Array, bias: Int32Array | null) => F | null, run: (f: F, x: Int8Array, y: Int8Array) => void): OpKernel<Fast<R, F>> {
  const ref = reference.get(kind)! as OpKernel<R>;
  return {
    prepare(ctx) {
      const r = ref.prepare(ctx);
      const { filter, bias } = constants(ctx);
      return { ref: r, fast: undefined, pack: () => pack(r, filter, bias) };
    },
    eval(p: Fast<R, F>, io: OpIo) {
      if (p.fast === undefined) p.fast = p.pack();
      if (p.fast === null) ref.eval(p.ref, io);
      else run(p.fast, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array);
    },
  };
}

/** int8 tensors in WASM memory (the fast kernels' operands); other dtypes in plain arrays. */
export function createResidentStorage(graph: Graph): TensorStorage {
  const rt = int8Runtime();
  if (rt === null) return createSimpleStorage(graph);
  const views = new Map<number, ActivationArray>();
  let bytes = 0;
  return {
    viewOf(tensor: GraphTensor): ActivationArray {
      let v = views.get(tensor.index);
      if (!v) {
        const size = elementCount(tensor.shape);
        v = tensor.dtype === "i8" ? allocResidentInt8(rt, size) : activationArrayFor(tensor, size);
        views.set(tensor.index, v);
        bytes += v.byteLength;
      }
      return v;
    },
    get bytes() {
      return bytes;
    },
  };
}

/** true: reference int8 kernels and plain storage; false: the WASM kernels where built. */
export function useInt8Reference(on: boolean): void {
  if (on || int8Runtime() === null) {
    for (const [kind, k] of reference) registerKernel(kind, "i8", k);
    setDefaultStorage(null);
    return;
  }
  registerKernel("CONV_2D", "i8", fastKernel<Conv2dInt8Params, ReturnType<typeof prepareConv2dWasm> & object>("CONV_2D", prepareConv2dWasm, evalConv2dWasm));
  registerKernel("DEPTHWISE_CONV_2D", "i8", fastKernel<DepthwiseConv2dInt8Params, ReturnType<typeof prepareDepthwiseConv2dWasm> & object>("DEPTHWISE_CONV_2D", prepareDepthwiseConv2dWasm, evalDepthwiseConv2dWasm));
  const pool = reference.get("AVERAGE_POOL_2D")! as OpKernel<PoolInt8Params>;
  registerKernel("AVERAGE_POOL_2D", "i8", {
    prepare: (ctx) => {
      const ref = pool.prepare(ctx);
      return { ref, fast: undefined, pack: () => prepareAveragePoolWasm(ref) };
    },
    eval: (p: Fast<PoolInt8Params, AveragePoolWasm>, io: OpIo) => {
      if (p.fast === undefined) p.fast = p.pack();
      if (p.fast === null) pool.eval(p.ref, io);
      else evalAveragePoolWasm(p.fast, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array);
    },
  });
  registerKernel("FULLY_CONNECTED", "i8", fastKernel<FullyConnectedInt8Params, ReturnType<typeof prepareFullyConnectedWasm> & object>("FULLY_CONNECTED", prepareFullyConnectedWasm, evalFullyConnectedWasm));
  setDefaultStorage(createResidentStorage);
}

useInt8Reference(process.env.DIETML_INT8_KERNELS === "reference");
