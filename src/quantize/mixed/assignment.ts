/**
 * A mixed-precision assignment: one weight bit-width and one output-activation bit-width per weighted layer
 * (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, in execution order, as weightedOps lists them).
 */
import { ArgumentError } from "../../errors/index.js";

export interface BitAssignment {
  /** Weight bits per weighted layer: 8 (int8), 4 (packed INT4) or 2 (packed INT2); other widths stay in int8 containers. */
  weights: number[];
  /** Output activation bits per weighted layer: 8, or 4 (a 16-level grid held in int8, see quantize-assignment.ts). */
  activations: number[];
}

export const WEIGHT_BIT_CHOICES: readonly number[] = [8, 4, 2];
export const ACTIVATION_BIT_CHOICES: readonly number[] = [8, 4];

export function uniformAssignment(layers: number, weightBits: number, activationBits = 8): BitAssignment {
  return { weights: new Array<number>(layers).fill(weightBits), activations: new Array<number>(layers).fill(activationBits) };
}

/** "w8.4.2 a8.8.4": a stable key (cache, dedup) that also reads well in reports. */
export function assignmentKey(a: BitAssignment): string {
  return `w${a.weights.join(".")} a${a.activations.join(".")}`;
}

export function checkAssignment(a: BitAssignment, layers: number): void {
  if (a.weights.length !== layers || a.activations.length !== layers) {
    throw new ArgumentError(
      `a bit assignment needs one weight and one activation width for each of the ${layers} weighted layers; got ${a.weights.length} and ${a.activations.length}`,
      "give one entry per CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED layer, in execution order",
    );
  }
  for (const b of a.weights) {
    if (!Number.isInteger(b) || b < 2 || b > 8) throw new ArgumentError(`weight bit-width ${b} is not an integer from 2 to 8`, "use e.g. 8, 4 or 2");
  }
  for (const b of a.activations) {
    if (!Number.isInteger(b) || b < 2 || b > 8) throw new ArgumentError(`activation bit-width ${b} is not an integer from 2 to 8`, "use 8 or 4");
  }
}
