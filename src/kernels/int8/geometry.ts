/** TFLite's sliding-window geometry (padding.h / kernel_util.cc ComputeOutSize, ComputePaddingHeightWidth). */
import { ShapeError } from "../../errors/index.js";

export type PaddingKind = "SAME" | "VALID";

/** Output extent along one axis for SAME or VALID padding, as TFLite computes it (0 when the window does not fit). */
export function computeOutSize(padding: PaddingKind, inSize: number, filterSize: number, stride: number, dilation = 1): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  if (stride <= 0) return 0;
  return padding === "SAME"
    ? Math.floor((inSize + stride - 1) / stride)
    : Math.max(0, Math.floor((inSize + stride - effectiveFilter) / stride));
}

/** Padding before the first window position; SAME puts the odd pixel after (bottom/right). */
export function computePaddingBefore(stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  const total = Math.max(0, (outSize - 1) * stride + effectiveFilter - inSize);
  return Math.floor(total / 2);
}

/** Everything a windowed NHWC kernel (conv, depthwise, pool) needs to walk its input. */
export interface WindowGeometry {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

export interface WindowSpec {
  padding: PaddingKind;
  strideH: number;
  strideW: number;
  dilationH?: number;
  dilationW?: number;
  filterH: number;
  filterW: number;
}

/** Checks a window against a 4-D NHWC input and computes the output extent and padding. */
export function windowGeometry(where: string, inputShape: readonly number[], spec: WindowSpec): WindowGeometry {
  if (inputShape.length !== 4) {
    throw new ShapeError(`${where}: input must be 4-D NHWC, got [${inputShape.join(", ")}]`, "reshape the input to [batch, height, width, channels]");
  }
  const dilationH = spec.dilationH ?? 1;
  const dilationW = spec.dilationW ?? 1;
  for (const [name, v] of Object.entries({ strideH: spec.strideH, strideW: spec.strideW, dilationH, dilationW, filterH: spec.filterH, filterW: spec.filterW })) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ShapeError(`${where}: ${name} must be a positive integer, got ${v}`, "fix the op's options in the model");
    }
  }
  const [batches, inH, inW, inC] = inputShape as [number, number, number, number];
  const outH = computeOutSize(spec.padding, inH, spec.filterH, spec.strideH, dilationH);
  const outW = computeOutSize(spec.padding, inW, spec.filterW, spec.strideW, dilationW);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${where}: a ${spec.filterH}x${spec.filterW} window does not fit input [${inputShape.join(", ")}] with ${spec.padding} padding`,
      "use SAME padding, a smaller window or a larger input",
    );
  }
  return {
    batches, inH, inW, inC, outH, outW,
    filterH: spec.filterH, filterW: spec.filterW,
    strideH: spec.strideH, strideW: spec.strideW, dilationH, dilationW,
    padTop: computePaddingBefore(spec.strideH, dilationH, inH, spec.filterH, outH),
    padLeft: computePaddingBefore(spec.strideW, dilationW, inW, spec.filterW, outW),
  };
}
