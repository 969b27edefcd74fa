/**
 * Inverted dropout: in training, each element is zeroed with probability `rate` (drawn from the Rng passed
 * in) and survivors are scaled by 1/(1-rate), so eval needs no rescaling. Saves a 1-bit keep-mask when x
 * needs a gradient. Outside training, or with rate 0, it returns x itself.
 */
import { ArgumentError } from "../../errors/index.js";
import type { Rng } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import { maskedScale } from "./bit-mask.js";
import type { Variable } from "../variable.js";

export function dropout(x: Variable, rate: number, rng: Rng, training: boolean): Variable {
  if (!(rate >= 0 && rate < 1)) {
    throw new ArgumentError(`dropout: rate ${rate} is outside [0, 1)`, "pass a drop probability such as 0.1 or 0.5");
  }
  if (!training || rate === 0) return x;
  const keepScale = 1 / (1 - rate);
  const xv = x.values;
  const mask = new Uint8Array((xv.length + 7) >>> 3);
  const y = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    if (rng.uniform() >= rate) {
      mask[i >>> 3]! |= 1 << (i & 7);
      y[i] = xv[i]! * keepScale;
    }
  }
  return recordOp("dropout", [x], y, x.shape, { mask: needsGrad(x) ? mask : null }, (dy, s) => [maskedScale(dy, s.mask!, keepScale)]);
}
