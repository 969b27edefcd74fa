/**
 * Transposed 2-D convolution (the upsampling layer of DCGAN-style generators), as TFLite's TRANSPOSE_CONV
 * defines it: input NHWC [N, H, W, Cin], weights [Cout, kh, kw, Cin], and an explicit output size (several
 * output sizes map to the same input under a strided conv). It is the input-gradient of the conv that maps
 * the output back to the input, so it reuses that conv's kernels: forward = conv2dBackwardInput, input
 * gradient = conv2d, weight gradient = conv2dBackwardFilter. Saves x only if the weights need a gradient
 * and the (re-laid-out) weights only if x needs one.
 */
import { ShapeError } from "../../errors/index.js";
import { conv2d as conv2dKernel, conv2dBackwardFilter, conv2dBackwardInput, conv2dOutputShape, reduceSum, type Conv2dParams, type Nhwc } from "../../kernels/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";
import { convParams } from "./conv.js";

/** [a, kh, kw, b] -> [b, kh, kw, a]: TFLite's transpose-conv weights to the OHWI weights of the matching conv. */
function swapOuterAxes(w: Float32Array, a: number, taps: number, b: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < a; i++) {
    for (let t = 0; t < taps; t++) {
      const src = (i * taps + t) * b;
      for (let j = 0; j < b; j++) out[(j * taps + t) * a + i] = w[src + j]!;
    }
  }
  return out;
}

export function conv2dTranspose(
  x: Variable, w: Variable, b: Variable | null, params: Partial<Omit<Conv2dParams, "groups">>, outSize: readonly [number, number],
): Variable {
  if (x.shape.length !== 4 || w.shape.length !== 4 || w.shape[3] !== x.shape[3]) {
    throw new ShapeError(
      `conv2dTranspose: weights ${formatShape(w.shape)} do not fit input ${formatShape(x.shape)}`,
      "input is NHWC [N, H, W, Cin] and weights are [Cout, kh, kw, Cin]",
    );
  }
  const [n, , , cin] = x.shape as [number, number, number, number];
  const [cout, kh, kw] = w.shape as [number, number, number, number];
  if (b !== null && (b.shape.length !== 1 || b.shape[0] !== cout)) {
    throw new ShapeError(`conv2dTranspose: bias ${formatShape(b.shape)} does not match ${cout} output channels`, `pass a bias of shape [${cout}]`);
  }
  const p = convParams({ ...params, groups: 1 });
  const yShape: Nhwc = [n, outSize[0], outSize[1], cout];
  const xShape = x.shape as unknown as Nhwc;
  const back = conv2dOutputShape(yShape, kh, kw, cin, p);
  if (back.some((d, i) => d !== xShape[i])) {
    throw new ShapeError(
      `conv2dTranspose: output ${outSize[0]}x${outSize[1]} does not come back to input ${formatShape(x.shape)} under this stride and padding (it gives ${formatShape(back)})`,
      "pick the output size whose strided conv has the input's size (e.g. input * stride for 'same' padding)",
    );
  }
  const taps = kh * kw;
  const convW = swapOuterAxes(w.values, cout, taps, cin);
  const convWShape = [cin, kh, kw, cout];
  const y = conv2dBackwardInput(x.values, xShape, convW, convWShape, yShape, p);
  if (b !== null) {
    const bias = b.values;
    for (let o = 0; o < y.length; o += cout) for (let c = 0; c < cout; c++) y[o + c] += bias[c]!;
  }
  const needX = needsGrad(x);
  const needW = needsGrad(w);
  const needB = b !== null && needsGrad(b);
  const inputs = b === null ? [x, w] : [x, w, b];
  return recordOp("conv2dTranspose", inputs, y, yShape, { x: needW ? x.values : null, w: needX ? convW : null }, (dy, s) => [
    s.w === null ? null : conv2dKernel(dy, yShape, s.w, convWShape, null, p).y,
    s.x === null ? null : swapOuterAxes(conv2dBackwardFilter(dy, yShape, s.x, xShape, convWShape, p), cin, taps, cout),
    needB ? reduceSum(dy, [dy.length / cout, cout], [0], false).y : null,
  ]);
}
