/** Test helpers: one example out of a packed image array; accuracy and argmax come from src. */
export { argmax, graphAccuracy } from "../../src/quantize/evaluate.js";

export function exampleAt(images: Float32Array, size: number, i: number): Float32Array {
  return images.subarray(i * size, (i + 1) * size);
}
