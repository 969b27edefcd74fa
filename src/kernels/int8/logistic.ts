/**
 * LOGISTIC int8 (TFLite reference_integer_ops::Logistic): input rescaled to Q4.27, gemmlowp's fixed-point
 * logistic, output at scale 1/256 with zero point -128; inputs beyond the radius saturate.
 */
import { UnsupportedError } from "../../errors/index.js";
import { logisticFixedPoint } from "./fixed-point.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { calculateInputRadius, frexp, multiplyByQuantizedMultiplier, roundHalfAway, roundingDivideByPOT } from "./quantize-math.js";
import { checkSameSize } from "./shape-checks.js";

const INPUT_INTEGER_BITS = 4;
const OUTPUT_INTEGER_BITS = 8;

export interface LogisticInt8Params {
  size: number;
  inputZeroPoint: number;
  inputRangeRadius: number;
  inputMultiplier: number;
  inputLeftShift: number;
}

export function prepareLogisticInt8(
  s: { inputShape: readonly number[]; outputShape: readonly number[] },
  input: TensorQuant | undefined,
  output: TensorQuant | undefined,
): LogisticInt8Params {
  const where = "LOGISTIC";
  const size = checkSameSize(where, s.inputShape, s.outputShape);
  const i = perTensor(where, "input", input);
  const o = perTensor(where, "output", output);
  if (o.zeroPoint !== -128) {
    throw new UnsupportedError(`${where}: int8 output must have zero point -128, got ${o.zeroPoint}`, "re-quantize the model; TFLite's converter uses scale 1/256, zero point -128");
  }
  // frexp without QuantizeMultiplier's renormalization, exactly as TFLite's prepare does it.
  const real = i.scale * 2 ** (31 - INPUT_INTEGER_BITS);
  const { q: frac, e: shift } = frexp(real);
  // The static_cast to int32 of 2^31 wraps to INT32_MIN on the targets TFLite Micro runs on.
  const inputMultiplier = roundHalfAway(frac * 2 ** 31) | 0;
  return {
    size,
    inputZeroPoint: i.zeroPoint,
    inputRangeRadius: calculateInputRadius(INPUT_INTEGER_BITS, shift, 31),
    inputMultiplier,
    inputLeftShift: shift,
  };
}

export function evalLogisticInt8(p: LogisticInt8Params, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const x = input[i]! - p.inputZeroPoint;
    if (x <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (x >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const inQ4 = multiplyByQuantizedMultiplier(x, p.inputMultiplier, p.inputLeftShift);
      const outQ0 = logisticFixedPoint(inQ4, INPUT_INTEGER_BITS);
      const v = roundingDivideByPOT(outQ0, 31 - OUTPUT_INTEGER_BITS) - 128;
      output[i] = v > 127 ? 127 : v < -128 ? -128 : v;
    }
  }
}
