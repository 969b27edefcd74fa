/** Options every zoo model accepts: the NHWC input size of one example and the number of classes. */
import { ArgumentError } from "../errors/index.js";

export interface ModelOptions {
  /** [height, width, channels] of one input example. */
  inputShape?: readonly [number, number, number];
  numClasses?: number;
  /** Channel width multiplier (DS-CNN, MobileNetV2-tiny), default 1. */
  width?: number;
}

export function checkModelOptions(model: string, inputShape: readonly number[], numClasses: number): void {
  if (inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError(`${model}: inputShape [${inputShape.join(", ")}] must be three positive integers [height, width, channels]`, "e.g. [28, 28, 1] for Fashion-MNIST");
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ArgumentError(`${model}: numClasses ${numClasses} must be an integer >= 2`, "e.g. 10 for Fashion-MNIST");
  }
}

/** Channels scaled by the width multiplier, at least 1. */
export function scaled(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}
