import { sizeOf } from "../../tensor/index.js";
import { expectLength, pool2dOutputShape, type Nhwc, type Pool2dParams } from "../params.js";
import { allocScratch, argsRecord, copyIn, copyOut, i32View, resetScratch } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { poolThreads, runTask } from "./pool.js";

/** Below this many input elements one thread beats waking another. */
const PARALLEL_MIN_ELEMENTS = 1 << 17;

export function poolModule(): KernelModule | null {
  return loadKernelModule("pool");
}

/** Max pooling in WASM (branch-free SIMD compare/select); same results and argmax as the reference. */
export function maxPool2dWasm(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc; argmax: Int32Array } {
  expectLength("maxPool2d", "x", x, sizeOf(xShape));
  const yShape = pool2dOutputShape(xShape, p);
  const mod = poolModule();
  if (mod === null) throw new Error("pool.wasm is not built");
  resetScratch();
  const xPtr = copyIn(x);
  const ySize = sizeOf(yShape);
  const yPtr = allocScratch(ySize * 4);
  const argPtr = allocScratch(ySize * 4);
  const [n, h, w, c] = xShape;
  const args = argsRecord([
    xPtr, n, h, w, c, p.kernelH, p.kernelW, p.strideH, p.strideW, p.padTop, p.padLeft, yShape[1], yShape[2], yPtr, argPtr,
  ]);
  runTask(mod, "maxPoolTask", args, n * yShape[1], x.length >= PARALLEL_MIN_ELEMENTS ? poolThreads() : 1);
  const argmax = new Int32Array(ySize);
  argmax.set(i32View(argPtr, ySize));
  return { y: copyOut(yPtr, ySize), yShape, argmax };
}
