/** CONCATENATION along one axis; int8 inputs with other quantization than the output are rescaled (TFLite ConcatenationWithScaling). */
import { ShapeError } from "../../errors/index.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { roundHalfAway } from "./quantize-math.js";
import { checkOutputShape } from "./shape-checks.js";

export interface ConcatParams {
  outer: number;
  /** Elements each input contributes per outer step (its axis extent times the inner size). */
  chunk: number[];
  /** Per input: null to copy, else the float32 rescale (value * scale + bias, then output zero point). */
  rescale: ({ scale: number; bias: number; outputZeroPoint: number } | null)[];
}

export function prepareConcatenation(
  inputShapes: readonly (readonly number[])[],
  outputShape: readonly number[],
  axisOption: number,
  quant?: { inputs: (TensorQuant | undefined)[]; output: TensorQuant | undefined },
): ConcatParams {
  const where = "CONCATENATION";
  const first = inputShapes[0];
  if (!first) throw new ShapeError(`${where}: needs at least one input`, "re-export the model");
  const rank = first.length;
  const axis = axisOption < 0 ? axisOption + rank : axisOption;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new ShapeError(`${where}: axis ${axisOption} is outside rank ${rank}`, "fix the op's axis");
  }
  const computed = [...first];
  computed[axis] = 0;
  for (const s of inputShapes) {
    if (s.length !== rank || s.some((d, i) => i !== axis && d !== first[i])) {
      throw new ShapeError(`${where}: input [${s.join(", ")}] does not match [${first.join(", ")}] outside axis ${axis}`, "all inputs must agree except along the axis");
    }
    computed[axis] += s[axis]!;
  }
  checkOutputShape(where, outputShape, computed);
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= first[d]!;
  let inner = 1;
  for (let d = axis + 1; d < rank; d++) inner *= first[d]!;
  const rescale = inputShapes.map((_, i) => {
    if (!quant) return null;
    const inQ = perTensor(where, `input ${i}`, quant.inputs[i]);
    const outQ = perTensor(where, "output", quant.output);
    if (inQ.scale === outQ.scale && inQ.zeroPoint === outQ.zeroPoint) return null;
    const scale = Math.fround(inQ.scale * Math.fround(1 / outQ.scale));
    return { scale, bias: Math.fround(-inQ.zeroPoint * scale), outputZeroPoint: outQ.zeroPoint };
  });
  return { outer, chunk: inputShapes.map((s) => s[axis]! * inner), rescale };
}

export function evalConcatenation(p: ConcatParams, inputs: ArrayLike<number>[], output: Int8Array | Float32Array | Int32Array): void {
  let o = 0;
  for (let k = 0; k < p.outer; k++) {
    for (let i = 0; i < inputs.length; i++) {
      const src = inputs[i]!;
      const n = p.chunk[i]!;
      const base = k * n;
      const r = p.rescale[i];
      if (!r) {
        for (let j = 0; j < n; j++) output[o++] = src[base + j]!;
      } else {
        for (let j = 0; j < n; j++) {
          const v = roundHalfAway(Math.fround(Math.fround(src[base + j]! * r.scale) + r.bias)) + r.outputZeroPoint;
          output[o++] = v < -128 ? -128 : v > 127 ? 127 : v;
        }
      }
    }
  }
}
