import { ShapeError } from "../errors/index.js";

/** Convolution geometry. Padding is explicit per side so TFLite's asymmetric SAME padding is representable. */
export interface Conv2dParams {
  strideH: number;
  strideW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/** Pooling window geometry; padded cells never take part (TFLite semantics). */
export interface Pool2dParams {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** An activation shape in NHWC order. */
export type Nhwc = readonly [n: number, h: number, w: number, c: number];

/** Output extent of a sliding window along one axis. */
export function windowOutputSize(input: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  const span = dilation * (kernel - 1) + 1;
  return Math.floor((input + padBefore + padAfter - span) / stride) + 1;
}

function checkPositiveInts(where: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ShapeError(`${where}: ${name} must be a positive integer, got ${v}`, `pass ${name} >= 1`);
    }
  }
}

function checkPads(where: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 0) {
      throw new ShapeError(`${where}: ${name} must be a non-negative integer, got ${v}`, `pass ${name} >= 0`);
    }
  }
}

export function conv2dOutputShape(xShape: Nhwc, kh: number, kw: number, cout: number, p: Conv2dParams): Nhwc {
  const where = "conv2d";
  checkPositiveInts(where, { kh, kw, cout, strideH: p.strideH, strideW: p.strideW, dilationH: p.dilationH, dilationW: p.dilationW });
  checkPads(where, { padTop: p.padTop, padBottom: p.padBottom, padLeft: p.padLeft, padRight: p.padRight });
  const [n, h, w] = xShape;
  const oh = windowOutputSize(h, kh, p.strideH, p.padTop, p.padBottom, p.dilationH);
  const ow = windowOutputSize(w, kw, p.strideW, p.padLeft, p.padRight, p.dilationW);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${where}: input [${xShape.join(", ")}] is smaller than the ${kh}x${kw} kernel (dilation ${p.dilationH}x${p.dilationW}) with this padding`,
      "use a larger input, more padding or a smaller kernel",
    );
  }
  return [n, oh, ow, cout];
}

export function pool2dOutputShape(xShape: Nhwc, p: Pool2dParams): Nhwc {
  const where = "pool2d";
  checkPositiveInts(where, { kernelH: p.kernelH, kernelW: p.kernelW, strideH: p.strideH, strideW: p.strideW });
  checkPads(where, { padTop: p.padTop, padBottom: p.padBottom, padLeft: p.padLeft, padRight: p.padRight });
  const [n, h, w, c] = xShape;
  const oh = windowOutputSize(h, p.kernelH, p.strideH, p.padTop, p.padBottom, 1);
  const ow = windowOutputSize(w, p.kernelW, p.strideW, p.padLeft, p.padRight, 1);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${where}: input [${xShape.join(", ")}] is smaller than the ${p.kernelH}x${p.kernelW} window with this padding`,
      "use a larger input or a smaller window",
    );
  }
  return [n, oh, ow, c];
}

/** Throws a ShapeError when a buffer does not hold the number of elements its shape promises. */
export function expectLength(where: string, name: string, data: ArrayLike<number>, expected: number): void {
  if (data.length !== expected) {
    throw new ShapeError(`${where}: ${name} has ${data.length} elements, its shape needs ${expected}`, "pass data matching the shape");
  }
}

/** Validates grouped-conv weights (OHWI) against the input, returning the per-group channel counts. */
export function convGroups(xShape: Nhwc, wShape: readonly number[], groups: number): { cinG: number; coutG: number } {
  const cin = xShape[3];
  if (wShape.length !== 4) {
    throw new ShapeError(`conv2d: weights must be 4-D OHWI, got [${wShape.join(", ")}]`, "pass weights shaped [cout, kh, kw, cin/groups]");
  }
  const cout = wShape[0]!;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new ShapeError(
      `conv2d: groups=${groups} must divide both input channels ${cin} and output channels ${cout}`,
      "choose groups that divides both channel counts",
    );
  }
  const cinG = cin / groups;
  if (wShape[3] !== cinG) {
    throw new ShapeError(
      `conv2d: weights [${wShape.join(", ")}] expect ${wShape[3]} input channels per group but input [${xShape.join(", ")}] with groups=${groups} has ${cinG}`,
      "weights are OHWI: [cout, kh, kw, cin/groups]",
    );
  }
  return { cinG, coutG: cout / groups };
}

/** Validates depthwise weights (1HWO) against the input, returning the channel multiplier. */
export function depthwiseMultiplier(xShape: Nhwc, wShape: readonly number[]): number {
  const cin = xShape[3];
  if (wShape.length !== 4 || wShape[0] !== 1 || wShape[3]! % cin !== 0) {
    throw new ShapeError(
      `depthwiseConv2d: weights [${wShape.join(", ")}] do not fit input [${xShape.join(", ")}]`,
      "depthwise weights are 1HWO: [1, kh, kw, cin * multiplier]",
    );
  }
  return wShape[3]! / cin;
}
