/** Fused-activation clamps: TFLite's CalculateActivationRangeQuantized and its float counterpart. */
import { UnsupportedError } from "../../errors/index.js";
import { quantizeScalar } from "./quantize-math.js";

export type FusedActivationKind = "NONE" | "RELU" | "RELU6" | "RELU_N1_TO_1";

export interface ActivationRange {
  min: number;
  max: number;
}

const SUPPORTED = "NONE, RELU, RELU6, RELU_N1_TO_1";

function checkKind(kind: string): asserts kind is FusedActivationKind {
  if (kind !== "NONE" && kind !== "RELU" && kind !== "RELU6" && kind !== "RELU_N1_TO_1") {
    throw new UnsupportedError(`fused activation ${kind} is not supported`, `supported fused activations: ${SUPPORTED}`);
  }
}

/** Output clamp for an int8 tensor with the given scale/zero point (bounds quantized with float32 division). */
export function activationRangeInt8(kind: string, scale: number, zeroPoint: number): ActivationRange {
  checkKind(kind);
  const qmin = -128;
  const qmax = 127;
  switch (kind) {
    case "NONE":
      return { min: qmin, max: qmax };
    case "RELU":
      return { min: Math.max(qmin, quantizeScalar(0, scale, zeroPoint)), max: qmax };
    case "RELU6":
      return { min: Math.max(qmin, quantizeScalar(0, scale, zeroPoint)), max: Math.min(qmax, quantizeScalar(6, scale, zeroPoint)) };
    case "RELU_N1_TO_1":
      return { min: Math.max(qmin, quantizeScalar(-1, scale, zeroPoint)), max: Math.min(qmax, quantizeScalar(1, scale, zeroPoint)) };
  }
}

/** Output clamp for a float tensor. */
export function activationRangeFloat(kind: string): ActivationRange {
  checkKind(kind);
  switch (kind) {
    case "NONE":
      return { min: -Infinity, max: Infinity };
    case "RELU":
      return { min: 0, max: Infinity };
    case "RELU6":
      return { min: 0, max: 6 };
    case "RELU_N1_TO_1":
      return { min: -1, max: 1 };
  }
}
