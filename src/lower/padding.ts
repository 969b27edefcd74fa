/**
 * nn padding -> TFLite's SAME/VALID. TFLite has no explicit pads on conv/pool, so a numeric padding is
 * accepted only when it equals what SAME (or VALID) gives for this input size.
 */
import { UnsupportedError } from "../errors/index.js";
import type { Padding as GraphPadding } from "../graph/index.js";
import { resolvePadding, type Padding } from "../nn/index.js";

export function lowerPadding(
  layer: string, padding: Padding, inH: number, inW: number, kernel: readonly [number, number], stride: readonly [number, number], dilation: readonly [number, number] = [1, 1],
): GraphPadding {
  if (padding === "same") return "SAME";
  if (padding === "valid") return "VALID";
  const want = resolvePadding(padding, inH, inW, kernel, stride, dilation);
  const same = resolvePadding("same", inH, inW, kernel, stride, dilation);
  const key = (p: typeof want) => `${p.padTop},${p.padBottom},${p.padLeft},${p.padRight}`;
  if (key(want) === "0,0,0,0") return "VALID";
  if (key(want) === key(same)) return "SAME";
  throw new UnsupportedError(
    `${layer}: padding ${JSON.stringify(padding)} on a ${inH}x${inW} input is neither SAME nor VALID`,
    'TFLite convs and pools pad only as SAME or VALID; use padding "same" or "valid" in the model',
  );
}

/** Output size along one axis for SAME/VALID (TFLite's rule). */
export function outputSize(padding: GraphPadding, input: number, kernel: number, stride: number, dilation = 1): number {
  const effective = (kernel - 1) * dilation + 1;
  return padding === "SAME" ? Math.ceil(input / stride) : Math.floor((input - effective) / stride) + 1;
}
