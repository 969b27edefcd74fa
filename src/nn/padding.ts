/**
 * Padding specifications for conv and pool layers: "valid" (none), "same" (TensorFlow's rule: output =
 * ceil(input / stride), the odd extra pixel goes after), a number for every side, or explicit
 * [top, bottom, left, right]. "same" depends on the input size, so it is resolved at forward time.
 */
import { ArgumentError } from "../errors/index.js";

export type Padding = "valid" | "same" | number | readonly [number, number, number, number];

export interface ResolvedPadding {
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

function samePad(input: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function checkPadding(where: string, padding: Padding): void {
  const ok = padding === "valid" || padding === "same" ||
    (typeof padding === "number" && Number.isInteger(padding) && padding >= 0) ||
    (Array.isArray(padding) && padding.length === 4 && padding.every((p) => Number.isInteger(p) && p >= 0));
  if (!ok) {
    throw new ArgumentError(`${where}: padding ${JSON.stringify(padding)} is not understood`, 'use "valid", "same", a non-negative integer or [top, bottom, left, right]');
  }
}

export function resolvePadding(
  padding: Padding, inH: number, inW: number, kernel: readonly [number, number], stride: readonly [number, number], dilation: readonly [number, number] = [1, 1],
): ResolvedPadding {
  if (padding === "valid") return { padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
  if (padding === "same") {
    const [padTop, padBottom] = samePad(inH, kernel[0], stride[0], dilation[0]);
    const [padLeft, padRight] = samePad(inW, kernel[1], stride[1], dilation[1]);
    return { padTop, padBottom, padLeft, padRight };
  }
  if (typeof padding === "number") return { padTop: padding, padBottom: padding, padLeft: padding, padRight: padding };
  const [padTop, padBottom, padLeft, padRight] = padding as readonly [number, number, number, number];
  return { padTop, padBottom, padLeft, padRight };
}

/** A size given as one number or [height, width]. */
export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}
