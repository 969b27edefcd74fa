/**
 * Weight initialisation, always from the Rng passed in. Weights use He (Kaiming) uniform,
 * U(-sqrt(6 / fanIn), sqrt(6 / fanIn)), suited to the ReLU-family networks in the zoo; biases start at 0.
 */
import { Variable } from "../autograd/index.js";
import type { Rng } from "../tensor/index.js";

export function heUniform(rng: Rng, shape: readonly number[], fanIn: number): Variable {
  const bound = Math.sqrt(6 / fanIn);
  const v = Variable.zeros(shape, true);
  const data = v.values;
  for (let i = 0; i < data.length; i++) data[i] = (rng.uniform() * 2 - 1) * bound;
  return v;
}

export function filled(shape: readonly number[], value: number): Variable {
  const v = Variable.zeros(shape, true);
  v.values.fill(value);
  return v;
}
