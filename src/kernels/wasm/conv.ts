import { sizeOf } from "../../tensor/index.js";
import { ShapeError } from "../../errors/index.js";
import { conv2dOutputShape, convGroups, expectLength, type Conv2dParams, type Nhwc } from "../params.js";
import { allocScratch, argsRecord, copyIn, copyOut, f32View, resetScratch } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { gemmInMemory, gemmModule } from "./gemm.js";
import { poolThreads, runTask } from "./pool.js";

/** Filling rows moves bytes, not flops: below this many floats one thread is faster than waking another. */
const PARALLEL_MIN_FLOATS = 1 << 16;
/** Below this many multiply-adds a fused conv runs on one thread. */
const PARALLEL_MIN_MACS = 1 << 19;
const MR = 4;
const NR = 8;
/**
 * The filter gradient sums over all output positions; it is split into at most this many fixed chunks whose
 * partial sums are added in chunk order, so threads can share the work and the bytes never depend on them.
 */
const FILTER_GRAD_CHUNKS = 8;
const FILTER_GRAD_MIN_CHUNK = 1024;

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
  /** One input channel and no groups: the direct kernels in conv-single-channel.ts. */
  singleChannel: boolean;
  p: Conv2dParams;
}

function planConv(xShape: Nhwc, wShape: readonly number[], p: Conv2dParams): ConvPlan {
  const { cinG, coutG } = convGroups(xShape, wShape, p.groups);
  const [cout, kh, kw] = wShape as [number, number, number, number];
  const yShape = conv2dOutputShape(xShape, kh, kw, cout, p);
  const pointwise = kh === 1 && kw === 1 && p.strideH === 1 && p.strideW === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0;
  return { xShape, yShape, wShape, kh, kw, cinG, coutG, cout, positions: yShape[0] * yShape[1] * yShape[2], rowLen: kh * kw * cinG, pointwise, p,
    singleChannel: !pointwise && xShape[3] === 1 && p.groups === 1 };
}

function checkDy(plan: ConvPlan, dyShape: Nhwc): void {
  if (plan.yShape.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(
      `conv2d backward: dy shape [${dyShape.join(", ")}] differs from the forward output [${plan.yShape.join(", ")}]`,
      "pass the gradient of this convolution's output",
    );
  }
}

/** The 18 geometry fields every conv task record starts with (see conv.entry.ts). */
function geometryFields(plan: ConvPlan, x: number, group: number): number[] {
  const [n, h, w, c] = plan.xShape;
  const { p } = plan;
  return [
    x, n, h, w, c, group * plan.cinG, plan.cinG, plan.kh, plan.kw, p.strideH, p.strideW, p.padTop, p.padLeft,
    p.dilationH, p.dilationW, plan.yShape[1], plan.yShape[2], 0 /* [17] unused */,
  ];
}

function requireGemm(): KernelModule {
  const mod = gemmModule();
  if (mod === null) throw new Error("gemm.wasm is not built");
  return mod;
}

function threadsFor(floats: number): number {
  return floats >= PARALLEL_MIN_FLOATS ? poolThreads() : 1;
}

function requireConv(): KernelModule {
  const mod = convModule();
  if (mod === null) throw new Error("conv.wasm is not built");
  return mod;
}

/**
 * Grouped conv2d forward: y[:, group] = cols_g x W_g^T with the bias as the starting value. The column rows
 * are built block by block inside the GEMM task (convForwardTask); a 1x1 stride-1 conv is a plain GEMM on x.
 */
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
  if (plan.singleChannel) {
    const args = argsRecord([
      ...geometryFields(plan, xPtr, 0), copyIn(tapsMajorWeights(w, cout, plan.kh * plan.kw)), yPtr, cout,
      bias === null ? 0 : copyIn(padChannels(bias, cout)),
    ]);
    runTask(mod, "conv1chForwardTask", args, xShape[0] * plan.yShape[1], positions * rowLen * cout >= PARALLEL_MIN_MACS ? poolThreads() : 1);
    return { y: copyOut(yPtr, positions * cout), yShape: plan.yShape };
  }
  if (bias !== null) {
    runTask(mod, "fillRowsTask", argsRecord([yPtr, cout, copyIn(bias)]), positions, threadsFor(positions * cout));
  }
  if (plan.pointwise) {
    for (let g = 0; g < p.groups; g++) {
      gemmInMemory({
        a: xPtr + g * cinG * 4, lda: xShape[3], transA: false,
        b: wPtr + g * coutG * rowLen * 4, ldb: rowLen, transB: true,
        c: yPtr + g * coutG * 4, ldc: cout,
        m: positions, n: coutG, k: rowLen, accumulate: bias !== null,
      });
    }
  } else {
    const gemm = requireGemm();
    const t = positions * rowLen * coutG >= PARALLEL_MIN_MACS ? poolThreads() : 1;
    const packedW = allocScratch(rowLen * Math.ceil(coutG / NR) * NR * 4);
    const perThread = mod.exports.forwardScratchFloats!(rowLen) * 4 + 64;
    const scratch = allocScratch(perThread * t);
    for (let g = 0; g < p.groups; g++) {
      const packArgs = argsRecord([wPtr + g * coutG * rowLen * 4, rowLen, 1, coutG, rowLen, packedW]);
      runTask(gemm, "packBTask", packArgs, Math.ceil(coutG / NR), 1);
      const args = argsRecord([
        ...geometryFields(plan, xPtr, g), packedW, yPtr + g * coutG * 4, cout, coutG, bias !== null ? 1 : 0, scratch, perThread,
      ]);
      runTask(mod, "convForwardTask", args, Math.ceil(positions / MR), t);
    }
  }
  return { y: copyOut(yPtr, positions * cout), yShape: plan.yShape };
}

/**
 * dx: per group, dcols = dy_g x W_g block by block in a cache-resident buffer, scatter-added into dx
 * (convInputGradTask); a 1x1 stride-1 conv writes dx directly with one GEMM.
 */
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
  if (plan.pointwise) {
    for (let g = 0; g < p.groups; g++) {
      gemmInMemory({
        a: dyPtr + g * coutG * 4, lda: cout, transA: false,
        b: wPtr + g * coutG * rowLen * 4, ldb: rowLen, transB: false,
        c: dxPtr + g * cinG * 4, ldc: xShape[3],
        m: positions, n: rowLen, k: coutG, accumulate: false,
      });
    }
    return copyOut(dxPtr, xSize);
  }
  f32View(dxPtr, xSize).fill(0);
  const gemm = requireGemm();
  const t = positions * rowLen * coutG >= PARALLEL_MIN_MACS ? poolThreads() : 1;
  const panels = Math.ceil(rowLen / NR);
  const packedW = allocScratch(coutG * panels * NR * 4);
  const perThread = mod.exports.inputGradScratchFloats!(rowLen) * 4 + 64;
  const scratch = allocScratch(perThread * t);
  for (let g = 0; g < p.groups; g++) {
    runTask(gemm, "packBTask", argsRecord([wPtr + g * coutG * rowLen * 4, rowLen, 0, rowLen, coutG, packedW]), panels, 1);
    const args = argsRecord([...geometryFields(plan, dxPtr, g), dyPtr + g * coutG * 4, cout, coutG, packedW, scratch, perThread]);
    runTask(mod, "convInputGradTask", args, xShape[0], t);
  }
  return copyOut(dxPtr, xSize);
}

/**
 * dW (OHWI): per group, dW_g = dy_g^T x cols_g, the column rows built block by block inside the task
 * (convFilterGradTask) and the sum over positions split into fixed chunks added in order.
 */
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
  if (plan.pointwise) {
    const dwPtr = allocScratch(wSize * 4);
    for (let g = 0; g < p.groups; g++) {
      gemmInMemory({
        a: dyPtr + g * coutG * 4, lda: cout, transA: true,
        b: xPtr + g * cinG * 4, ldb: xShape[3], transB: false,
        c: dwPtr + g * coutG * rowLen * 4, ldc: rowLen,
        m: coutG, n: rowLen, k: positions, accumulate: false,
      });
    }
    return copyOut(dwPtr, wSize);
  }
  if (plan.singleChannel) return singleChannelFilterGrad(mod, plan, xPtr, dyPtr);
  const chunk = Math.max(FILTER_GRAD_MIN_CHUNK, Math.ceil(positions / FILTER_GRAD_CHUNKS));
  const chunks = Math.ceil(positions / chunk);
  const partialFloats = coutG * rowLen;
  const partials = allocScratch(chunks * partialFloats * 4);
  const t = positions * rowLen * coutG >= PARALLEL_MIN_MACS ? poolThreads() : 1;
  const perThread = mod.exports.filterGradScratchFloats!(rowLen) * 4 + 64;
  const scratch = allocScratch(perThread * Math.min(t, chunks));
  const dw = new Float32Array(wSize);
  for (let g = 0; g < p.groups; g++) {
    const args = argsRecord([
      ...geometryFields(plan, xPtr, g), dyPtr + g * coutG * 4, cout, coutG, partials, partialFloats, scratch, perThread, chunk,
    ]);
    runTask(mod, "convFilterGradTask", args, chunks, t);
    // add the chunk partials in chunk order
    const sum = dw.subarray(g * partialFloats, (g + 1) * partialFloats);
    sum.set(f32View(partials, partialFloats));
    for (let c = 1; c < chunks; c++) {
      const part = f32View(partials + c * partialFloats * 4, partialFloats);
      for (let i = 0; i < partialFloats; i++) sum[i] = sum[i]! + part[i]!;
    }
  }
  return dw;
}

/** Pads a per-channel vector to a multiple of 8 channels with zeros (the direct kernels work in blocks of 8). */
function padChannels(v: Float32Array, cout: number): Float32Array {
  const out = new Float32Array(Math.ceil(cout / 8) * 8);
  out.set(v.subarray(0, cout));
  return out;
}

/** OHWI weights with one input channel, [cout][taps], as [taps][cout padded to 8]. */
function tapsMajorWeights(w: Float32Array, cout: number, taps: number): Float32Array {
  const coutPad = Math.ceil(cout / 8) * 8;
  const out = new Float32Array(taps * coutPad);
  for (let co = 0; co < cout; co++) for (let t = 0; t < taps; t++) out[t * coutPad + co] = w[co * taps + t]!;
  return out;
}

/** Filter gradient of a one-input-channel conv: fixed chunks of output rows, partials added in order. */
function singleChannelFilterGrad(mod: KernelModule, plan: ConvPlan, xPtr: number, dyPtr: number): Float32Array {
  const { cout, positions, rowLen } = plan;
  const taps = plan.kh * plan.kw;
  const rows = plan.xShape[0] * plan.yShape[1];
  const ow = plan.yShape[2];
  const rowsPerChunk = Math.max(Math.ceil(FILTER_GRAD_MIN_CHUNK / ow), Math.ceil(rows / FILTER_GRAD_CHUNKS));
  const chunks = Math.ceil(rows / rowsPerChunk);
  const partialFloats = cout * taps;
  const partials = allocScratch(chunks * partialFloats * 4);
  const t = Math.min(chunks, positions * rowLen * cout >= PARALLEL_MIN_MACS ? poolThreads() : 1);
  const perThread = Math.ceil(cout / 8) * 8 * taps * 16 + 64;
  const scratch = allocScratch(perThread * t);
  const args = argsRecord([
    ...geometryFields(plan, xPtr, 0), dyPtr, cout, partials, partialFloats, rowsPerChunk, scratch, perThread,
  ]);
  runTask(mod, "conv1chFilterGradTask", args, chunks, t);
  const dw = copyOut(partials, partialFloats);
  for (let c = 1; c < chunks; c++) {
    const part = f32View(partials + c * partialFloats * 4, partialFloats);
    for (let i = 0; i < partialFloats; i++) dw[i] = dw[i]! + part[i]!;
  }
  return dw;
}
