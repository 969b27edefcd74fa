import { sizeOf } from "../../tensor/index.js";
import { ShapeError } from "../../errors/index.js";
import { conv2dOutputShape, depthwiseMultiplier, expectLength, type Conv2dParams, type Nhwc } from "../params.js";
import { allocScratch, argsRecord, copyIn, copyOut, f32View, resetScratch } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { poolThreads, runTask } from "./pool.js";

/** Below this many multiply-adds one thread beats waking another. */
const PARALLEL_MIN_MACS = 1 << 17;

export function depthwiseModule(): KernelModule | null {
  return loadKernelModule("depthwise");
}

function requireModule(): KernelModule {
  const mod = depthwiseModule();
  if (mod === null) throw new Error("depthwise.wasm is not built");
  return mod;
}

/**
 * The SIMD kernels handle multiplier 1. A channel multiplier m > 1 is the same as multiplier 1 on the input
 * with each channel repeated m times (output channel co reads input channel floor(co / m)).
 */
function repeatChannels(x: Float32Array, positions: number, cin: number, mult: number): Float32Array {
  if (mult === 1) return x;
  const out = new Float32Array(positions * cin * mult);
  for (let i = 0, o = 0; i < positions * cin; i++) for (let r = 0; r < mult; r++) out[o++] = x[i]!;
  return out;
}

/** Inverse of repeatChannels for gradients: sums the m copies of each input channel. */
function sumRepeatedChannels(dx: Float32Array, positions: number, cin: number, mult: number): Float32Array {
  if (mult === 1) return dx;
  const out = new Float32Array(positions * cin);
  for (let i = 0, o = 0; i < out.length; i++) {
    let s = 0;
    for (let r = 0; r < mult; r++) s += dx[o++]!;
    out[i] = s;
  }
  return out;
}

interface Plan { xShape: Nhwc; yShape: Nhwc; mult: number; c: number; kh: number; kw: number; positions: number; macs: number; p: Conv2dParams }

function plan(xShape: Nhwc, wShape: readonly number[], p: Conv2dParams): Plan {
  const mult = depthwiseMultiplier(xShape, wShape);
  const [, kh, kw, c] = wShape as [number, number, number, number];
  const yShape = conv2dOutputShape(xShape, kh, kw, c, p);
  return { xShape, yShape, mult, c, kh, kw, positions: xShape[0] * xShape[1] * xShape[2], macs: sizeOf(yShape) * kh * kw, p };
}

function record(pl: Plan, x: number, wts: number, y: number, bias: number, grad: number): number {
  const [n, h, w] = pl.xShape;
  const { p } = pl;
  return argsRecord([
    x, n, h, w, pl.c, pl.kh, pl.kw, p.strideH, p.strideW, p.padTop, p.padLeft, p.dilationH, p.dilationW,
    pl.yShape[1], pl.yShape[2], wts, y, bias, grad,
  ]);
}

function threads(pl: Plan): number {
  return pl.macs >= PARALLEL_MIN_MACS ? poolThreads() : 1;
}

function checkDy(pl: Plan, dyShape: Nhwc): void {
  if (pl.yShape.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(
      `depthwiseConv2d backward: dy shape [${dyShape.join(", ")}] differs from the forward output [${pl.yShape.join(", ")}]`,
      "pass the gradient of this convolution's output",
    );
  }
}

export function depthwiseConv2dWasm(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  const pl = plan(xShape, wShape, p);
  expectLength("depthwiseConv2d", "x", x, sizeOf(xShape));
  expectLength("depthwiseConv2d", "w", w, sizeOf(wShape));
  if (bias !== null) expectLength("depthwiseConv2d", "bias", bias, pl.c);
  const mod = requireModule();
  resetScratch();
  const xPtr = copyIn(repeatChannels(x, pl.positions, xShape[3], pl.mult));
  const wPtr = copyIn(w);
  const bPtr = bias === null ? 0 : copyIn(bias);
  const ySize = sizeOf(pl.yShape);
  const yPtr = allocScratch(ySize * 4);
  runTask(mod, "depthwiseForwardTask", record(pl, xPtr, wPtr, yPtr, bPtr, 0), xShape[0] * pl.yShape[1], threads(pl));
  return { y: copyOut(yPtr, ySize), yShape: pl.yShape };
}

export function depthwiseConv2dBackwardInputWasm(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  const pl = plan(xShape, wShape, p);
  checkDy(pl, dyShape);
  expectLength("depthwiseConv2dBackwardInput", "dy", dy, sizeOf(dyShape));
  expectLength("depthwiseConv2dBackwardInput", "w", w, sizeOf(wShape));
  const mod = requireModule();
  resetScratch();
  const dyPtr = copyIn(dy);
  const wPtr = copyIn(w);
  const dxSize = pl.positions * pl.c;
  const dxPtr = allocScratch(dxSize * 4);
  f32View(dxPtr, dxSize).fill(0);
  runTask(mod, "depthwiseBackwardInputTask", record(pl, 0, wPtr, dyPtr, 0, dxPtr), xShape[0], threads(pl));
  return sumRepeatedChannels(copyOut(dxPtr, dxSize), pl.positions, xShape[3], pl.mult);
}

export function depthwiseConv2dBackwardFilterWasm(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  const pl = plan(xShape, wShape, p);
  checkDy(pl, dyShape);
  expectLength("depthwiseConv2dBackwardFilter", "x", x, sizeOf(xShape));
  expectLength("depthwiseConv2dBackwardFilter", "dy", dy, sizeOf(dyShape));
  const mod = requireModule();
  resetScratch();
  const xPtr = copyIn(repeatChannels(x, pl.positions, xShape[3], pl.mult));
  const dyPtr = copyIn(dy);
  const dwSize = sizeOf(wShape);
  const dwPtr = allocScratch(dwSize * 4);
  runTask(mod, "depthwiseBackwardFilterTask", record(pl, xPtr, 0, dyPtr, 0, dwPtr), Math.ceil(pl.c / 4), threads(pl));
  return copyOut(dwPtr, dwSize);
}
