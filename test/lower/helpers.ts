/** Shared by the lowering and quantization tests: random trained-looking models and their nn forward. */
import { noGrad, Variable } from "../../src/autograd/index.js";
import { createModel } from "../../src/models/index.js";
import { BatchNorm2d, type Module } from "../../src/nn/index.js";
import { Rng } from "../../src/tensor/index.js";

/** A zoo model with non-trivial BN statistics (a fresh BN folds to the identity and would test nothing). */
export function randomModel(name: string, inputShape: [number, number, number], seed: number): Module {
  const rng = new Rng(seed);
  const model = createModel(name, rng, { inputShape, numClasses: 10 });
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNorm2d)) continue;
    for (let c = 0; c < m.channels; c++) {
      m.runningMean.data[c] = rng.range(-0.2, 0.2);
      m.runningVar.data[c] = rng.range(0.5, 2);
      m.weight.values[c] = rng.range(0.5, 1.5);
      m.bias.values[c] = rng.range(-0.2, 0.2);
    }
  }
  model.eval();
  return model;
}

export function randomInputs(rng: Rng, count: number, size: number): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => rng.range(-1, 1)));
}

export function forwardNn(model: Module, x: Float32Array, shape: readonly number[]): Float32Array {
  return noGrad(() => Float32Array.from(model.forward(Variable.from(x, [1, ...shape])).values));
}

/** max |a - b| / max |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}
