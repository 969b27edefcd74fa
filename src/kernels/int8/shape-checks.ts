/** Shape agreement checks shared by the TFLite-op kernels. */
import { ShapeError } from "../../errors/index.js";

export function elementCountOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The graph's declared output shape must equal what the op computes. */
export function checkOutputShape(where: string, declared: readonly number[], computed: readonly number[]): void {
  if (declared.length !== computed.length || declared.some((d, i) => d !== computed[i])) {
    throw new ShapeError(
      `${where}: output is declared [${declared.join(", ")}] but the op computes [${computed.join(", ")}]`,
      "the model's shapes are inconsistent; re-export it",
    );
  }
}

/** Two tensors that must hold the same number of elements (element-wise ops, reshape). */
export function checkSameSize(where: string, a: readonly number[], b: readonly number[]): number {
  const na = elementCountOf(a);
  const nb = elementCountOf(b);
  if (na !== nb) {
    throw new ShapeError(
      `${where}: input [${a.join(", ")}] has ${na} elements but output [${b.join(", ")}] has ${nb}`,
      "the model's shapes are inconsistent; re-export it",
    );
  }
  return na;
}
