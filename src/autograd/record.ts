/**
 * How ops join the tape. An op computes its output, decides from `needsGrad` which tensors its backward
 * will read (saving nothing for an input that needs no gradient), and calls `recordOp`. When grad mode is
 * off or no input needs a gradient, no node is made and the saved arrays are dropped at once.
 */
import { Tensor, type Shape } from "../tensor/index.js";
import { isGradEnabled } from "./grad-mode.js";
import { Variable, type Grads, type Saved } from "./variable.js";

/** True when backward must produce a gradient for v. */
export function needsGrad(v: Variable): boolean {
  return v.requiresGrad && isGradEnabled();
}

export function recordOp<S extends Saved>(
  op: string,
  inputs: readonly Variable[],
  out: Float32Array,
  outShape: Shape,
  saved: S,
  backward: (dy: Float32Array, saved: S) => Grads,
): Variable {
  const data = new Tensor(outShape, "f32", out);
  if (!inputs.some(needsGrad)) return new Variable(data, false);
  return new Variable(data, true, { op, inputs, saved, backward } as never);
}
