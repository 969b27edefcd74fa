import { sizeOf } from "../../tensor/index.js";
import { ShapeError } from "../../errors/index.js";
import { conv2dOutputShape, convGroups, expectLength, type Conv2dParams, type Nhwc } from "../params.js";
import { allocScratch, argsRecord, copyIn, copyOut, f32View, resetScratch } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { gemmInMemory } from "./gemm.js";
import { poolThreads, runTask } from "./pool.js";

/** im2col/col2im move bytes, not flops: below this many floats one thread is faster than waking another. */
const PARALLEL_MIN_FLOATS = 1 << 16;

export function convModule(): KernelModule | null {
  return loadKernelModule("conv");
}

interface ConvPlan {
  xShape: Nhwc; yShape: Nhwc; wShape: readonly number[];
  kh: number; kw: number; cinG: number; coutG: number; cout: number;
  /** Output positions N*OH*OW: the GEMM's M. */
  positions: number;
  /** Column row length kh*kw*cin/groups: the GEMM's K (forward). */
  rowLen: number;
  /** 1x1, stride 1, no padding: x itself is the column matrix. */
  pointwise: boolean;
  p: Conv2dParams;
}

function planConv(xShape: Nhwc, wShape: readonly number[], p: Conv2dParams): ConvPlan {
  const { cinG, coutG } = convGroups(xShape, wShape, p.groups);
  const [cout, kh, kw] = wShape as [number, number, number, number];
  const yShape = conv2dOutputShape(xShape, kh, kw, cout, p);
  const pointwise = kh === 1 && kw === 1 && p.strideH === 1 && p.strideW === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0;
  return { xShape, yShape, wShape, kh, kw, cinG, coutG, cout, positions: yShape[0] * yShape[1] * yShape[2], rowLen: kh * kw * cinG, pointwise, p };
}

function checkDy(plan: ConvPlan, dyShape: Nhwc): void {
  if (plan.yShape.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(
      `conv2d backward: dy shape [${dyShape.join(", ")}] differs from the forward output [${plan.yShape.join(", ")}]`,
      "pass the gradient of this convolution's output",
    );
  }
}

function geometry(plan: ConvPlan, x: number, group: number, cols: number): number {
  const [n, h, w, c] = plan.xShape;
  const { p } = plan;
  return argsRecord([
    x, n, h, w, c, group * plan.cinG, plan.cinG, plan.kh, plan.kw, p.strideH, p.strideW, p.padTop, p.padLeft,
    p.dilationH, p.dilationW, plan.yShape[1], plan.yShape[2], cols,
  ]);
}

function threadsFor(floats: number): number {
  return floats >= PARALLEL_MIN_FLOATS ? poolThreads() : 1;
}

function requireConv(): KernelModule {
  const mod = convModule();
  if (mod === null) throw new Error("conv.wasm is not built");
  return mod;
}

/** Grouped conv2d forward: per group, im2col then y[:, group] = cols x W_g^T (bias as the starting value). */
export function conv2dWasm(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  const plan = planConv(xShape, wShape, p);
  expectLength("conv2d", "x", x, sizeOf(xShape));
  expectLength("conv2d", "w", w, sizeOf(wShape));
  if (bias !== null) expectLength("conv2d", "bias", bias, plan.cout);
  const mod = requireConv();
  resetScratch();
  const xPtr = copyIn(x);
  const wPtr = copyIn(w);
  const { positions, rowLen, cout, coutG, cinG } = plan;
  const yPtr = allocScratch(positions * cout * 4);
  if (bias !== null) {
    runTask(mod, "fillRowsTask", argsRecord([yPtr, cout, copyIn(bias)]), positions, threadsFor(positions * cout));
  }
  const cols = plan.pointwise ? 0 : allocScratch(positions * rowLen * 4);
  for (let g = 0; g < p.groups; g++) {
    if (!plan.pointwise) {
      runTask(mod, "im2colTask", geometry(plan, xPtr, g, cols), xShape[0] * plan.yShape[1], threadsFor(positions * rowLen));
    }
    gemmInMemory({
      a: plan.pointwise ? xPtr + g * cinG * 4 : cols, lda: plan.pointwise ? xShape[3] : rowLen, transA: false,
      b: wPtr + g * coutG * rowLen * 4, ldb: rowLen, transB: true,
      c: yPtr + g * coutG * 4, ldc: cout,
      m: positions, n: coutG, k: rowLen, accumulate: bias !== null,
    });
  }
  return { y: copyOut(yPtr, positions * cout), yShape: plan.yShape };
}

/** dx: per group, dcols = dy_g x W_g, then col2im scatter-adds the columns into dx. */
export function conv2dBackwardInputWasm(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  const plan = planConv(xShape, wShape, p);
  checkDy(plan, dyShape);
  expectLength("conv2dBackwardInput", "dy", dy, sizeOf(dyShape));
  expectLength("conv2dBackwardInput", "w", w, sizeOf(wShape));
  const mod = requireConv();
  resetScratch();
  const dyPtr = copyIn(dy);
  const wPtr = copyIn(w);
  const { positions, rowLen, cout, coutG, cinG } = plan;
  const xSize = sizeOf(xShape);
  const dxPtr = allocScratch(xSize * 4);
  const cols = plan.pointwise ? 0 : allocScratch(positions * rowLen * 4);
  if (!plan.pointwise) f32View(dxPtr, xSize).fill(0);
  for (let g = 0; g < p.groups; g++) {
    gemmInMemory({
      a: dyPtr + g * coutG * 4, lda: cout, transA: false,
      b: wPtr + g * coutG * rowLen * 4, ldb: rowLen, transB: false,
      c: plan.pointwise ? dxPtr + g * cinG * 4 : cols, ldc: plan.pointwise ? xShape[3] : rowLen,
      m: positions, n: rowLen, k: coutG, accumulate: false,
    });
    if (!plan.pointwise) runTask(mod, "col2imTask", geometry(plan, dxPtr, g, cols), xShape[0], threadsFor(positions * rowLen));
  }
  return copyOut(dxPtr, xSize);
}

/** dW (OHWI): per group, dW_g = dy_g^T x cols_g. */
export function conv2dBackwardFilterWasm(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  const plan = planConv(xShape, wShape, p);
  checkDy(plan, dyShape);
  expectLength("conv2dBackwardFilter", "x", x, sizeOf(xShape));
  expectLength("conv2dBackwardFilter", "dy", dy, sizeOf(dyShape));
  const mod = requireConv();
  resetScratch();
  const xPtr = copyIn(x);
  const dyPtr = copyIn(dy);
  const { positions, rowLen, cout, coutG, cinG } = plan;
  const wSize = sizeOf(wShape);
  const dwPtr = allocScratch(wSize * 4);
  const cols = plan.pointwise ? 0 : allocScratch(positions * rowLen * 4);
  for (let g = 0; g < p.groups; g++) {
    if (!plan.pointwise) {
      runTask(mod, "im2colTask", geometry(plan, xPtr, g, cols), xShape[0] * plan.yShape[1], threadsFor(positions * rowLen));
    }
    gemmInMemory({
      a: dyPtr + g * coutG * 4, lda: cout, transA: true,
      b: plan.pointwise ? xPtr + g * cinG * 4 : cols, ldb: plan.pointwise ? xShape[3] : rowLen, transB: false,
      c: dwPtr + g * coutG * rowLen * 4, ldc: rowLen,
      m: coutG, n: rowLen, k: positions, accumulate: false,
    });
  }
  return copyOut(dwPtr, wSize);
}
