/**
 * 2-D convolutions over NHWC activations, bias fused into the kernel. conv2d takes OHWI weights
 * [cout, kh, kw, cin/groups] (stride, padding, dilation, groups); depthwiseConv2d takes TFLite's 1HWO
 * [1, kh, kw, cin*multiplier]. Saved for backward: x only if the weight needs a gradient, the weight only if
 * x needs one, nothing for the bias (its gradient is a sum of dy) — so bias-only training saves no activations.
 */
import { ShapeError } from "../../errors/index.js";
import {
  conv2d as conv2dKernel,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  depthwiseConv2d as depthwiseKernel,
  depthwiseConv2dBackwardFilter,
  depthwiseConv2dBackwardInput,
  reduceSum,
  type Conv2dParams,
  type Nhwc,
} from "../../kernels/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

export type { Conv2dParams } from "../../kernels/index.js";

/** Defaults for the fields left out: stride 1, no padding, no dilation, one group. */
export function convParams(p: Partial<Conv2dParams> = {}): Conv2dParams {
  return {
    strideH: p.strideH ?? 1,
    strideW: p.strideW ?? 1,
    padTop: p.padTop ?? 0,
    padBottom: p.padBottom ?? 0,
    padLeft: p.padLeft ?? 0,
    padRight: p.padRight ?? 0,
    dilationH: p.dilationH ?? 1,
    dilationW: p.dilationW ?? 1,
    groups: p.groups ?? 1,
  };
}

export function conv2d(x: Variable, w: Variable, b: Variable | null, params: Partial<Conv2dParams> = {}): Variable {
  return convolve("conv2d", x, w, b, convParams(params), conv2dKernel, conv2dBackwardInput, conv2dBackwardFilter);
}

export function depthwiseConv2d(x: Variable, w: Variable, b: Variable | null, params: Partial<Conv2dParams> = {}): Variable {
  return convolve(
    "depthwiseConv2d", x, w, b, convParams(params), depthwiseKernel, depthwiseConv2dBackwardInput, depthwiseConv2dBackwardFilter,
  );
}

type ForwardKernel = typeof conv2dKernel;
type InputGradKernel = typeof conv2dBackwardInput;
type FilterGradKernel = typeof conv2dBackwardFilter;

function convolve(
  op: string, x: Variable, w: Variable, b: Variable | null, p: Conv2dParams,
  forward: ForwardKernel, inputGrad: InputGradKernel, filterGrad: FilterGradKernel,
): Variable {
  if (x.shape.length !== 4) {
    throw new ShapeError(`${op}: input must be NHWC (rank 4), got ${formatShape(x.shape)}`, "reshape the input to [batch, height, width, channels]");
  }
  if (w.shape.length !== 4) {
    throw new ShapeError(`${op}: weights must be rank 4, got ${formatShape(w.shape)}`, "conv2d weights are OHWI, depthwise weights 1HWO");
  }
  // OHWI keeps output channels first, depthwise 1HWO last
  const cout = w.shape[op === "depthwiseConv2d" ? 3 : 0]!;
  if (b !== null && (b.shape.length !== 1 || b.shape[0] !== cout)) {
    throw new ShapeError(`${op}: bias ${formatShape(b.shape)} does not match ${cout} output channels`, `pass a bias of shape [${cout}]`);
  }
  const xShape = x.shape as unknown as Nhwc;
  const wShape = w.shape;
  const needX = needsGrad(x);
  const needW = needsGrad(w);
  const needB = b !== null && needsGrad(b);
  const { y, yShape } = forward(x.values, xShape, w.values, wShape, b === null ? null : b.values, p);
  const inputs = b === null ? [x, w] : [x, w, b];
  return recordOp(op, inputs, y, yShape, { x: needW ? x.values : null, w: needX ? w.values : null }, (dy, s) => [
    s.w === null ? null : inputGrad(dy, yShape, s.w, wShape, xShape, p),
    s.x === null ? null : filterGrad(s.x, xShape, dy, yShape, wShape, p),
    needB ? reduceSum(dy, [dy.length / cout, cout], [0], false).y : null,
  ]);
}
