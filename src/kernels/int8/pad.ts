/** PAD (any dtype): copies the input into a larger output filled with the pad value (the zero point for int8). */
import { ShapeError } from "../../errors/index.js";
import { checkOutputShape, elementCountOf } from "./shape-checks.js";

export interface PadParams {
  inputShape: number[];
  outputShape: number[];
  before: number[];
  padValue: number;
}

/** `paddings` is the flattened [rank, 2] tensor of (before, after) counts. */
export function preparePad(inputShape: readonly number[], paddings: readonly number[], outputShape: readonly number[], padValue: number): PadParams {
  const where = "PAD";
  const rank = inputShape.length;
  if (paddings.length !== rank * 2) {
    throw new ShapeError(`${where}: paddings has ${paddings.length} values but the input has rank ${rank} (needs ${rank * 2})`, "paddings must be shaped [rank, 2]");
  }
  const before: number[] = [];
  const computed: number[] = [];
  for (let d = 0; d < rank; d++) {
    const b = paddings[2 * d]!;
    const a = paddings[2 * d + 1]!;
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ShapeError(`${where}: padding of dimension ${d} is (${b}, ${a}); paddings must be non-negative integers`, "fix the paddings tensor");
    }
    before.push(b);
    computed.push(inputShape[d]! + b + a);
  }
  checkOutputShape(where, outputShape, computed);
  return { inputShape: [...inputShape], outputShape: computed, before, padValue };
}

export function evalPad(p: PadParams, input: ArrayLike<number>, output: Int8Array | Float32Array | Int32Array): void {
  output.fill(p.padValue);
  const rank = p.inputShape.length;
  const size = elementCountOf(p.inputShape);
  if (size === 0) return;
  const outStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= p.outputShape[d]!;
  }
  // Copy innermost rows; walk the outer index like an odometer.
  const inner = rank === 0 ? 1 : p.inputShape[rank - 1]!;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let src = 0; src < size; src += inner) {
    let dst = rank === 0 ? 0 : p.before[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) dst += (idx[d]! + p.before[d]!) * outStrides[d]!;
    for (let k = 0; k < inner; k++) output[dst + k] = input[src + k]!;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < p.inputShape[d]!) break;
      idx[d] = 0;
    }
  }
}
