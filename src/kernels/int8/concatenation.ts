/**
 * CONCATENATION along one axis. Like TFLite Micro, int8 inputs are copied as they are: the converter
 * gives every input the output's scale and zero point, and TFLite Micro does not rescale.
 */
import { ShapeError } from "../../errors/index.js";
import { checkOutputShape } from "./shape-checks.js";

export interface ConcatParams {
  outer: number;
  /** Elements each input contributes per outer step (its axis extent times the inner size). */
  chunk: number[];
}

export function prepareConcatenation(inputShapes: readonly (readonly number[])[], outputShape: readonly number[], axisOption: number): ConcatParams {
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
  return { outer, chunk: inputShapes.map((s) => s[axis]! * inner) };
}

export function evalConcatenation(p: ConcatParams, inputs: ArrayLike<number>[], output: Int8Array | Float32Array | Int32Array): void {
  let o = 0;
  for (let k = 0; k < p.outer; k++) {
    for (let i = 0; i < inputs.length; i++) {
      const src = inputs[i]!;
      const n = p.chunk[i]!;
      const base = k * n;
      for (let j = 0; j < n; j++) output[o++] = src[base + j]!;
    }
  }
}
