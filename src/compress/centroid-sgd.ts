/**
 * Trained quantization (Deep Compression, section 3.3): after weight sharing the gradient of each shared value
 * is the sum of the gradients of the weights in its cluster. Clustered weights are updated only through their
 * centroids (SGD with momentum on the centroids), then rewritten from the codebook, so the model keeps exactly
 * 2^bits distinct kept values per layer and its pruned weights stay 0. Every other parameter (biases) gets
 * plain momentum SGD.
 */
import type { Variable } from "../autograd/index.js";
import { Tensor } from "../tensor/index.js";
import type { TrainOptimizer } from "../train/index.js";
import { applyCodebook, type Codebook } from "./kmeans.js";
import { applyMask, type Mask } from "./prune.js";

export interface ClusteredParameter {
  book: Codebook;
  mask: Mask | undefined;
}

export class CentroidSgd implements TrainOptimizer {
  readonly #params: [string, Variable][];
  readonly #clustered: ReadonlyMap<string, ClusteredParameter>;
  readonly #velocity: Float32Array[];
  readonly #momentum: number;

  readonly #masks: ReadonlyMap<string, Mask>;

  /** `masks` keeps pruned weights of layers that are not clustered at 0. */
  constructor(params: [string, Variable][], clustered: ReadonlyMap<string, ClusteredParameter>, momentum = 0.9, masks: ReadonlyMap<string, Mask> = new Map()) {
    this.#masks = masks;
    this.#params = params;
    this.#clustered = clustered;
    this.#momentum = momentum;
    this.#velocity = params.map(([name, p]) => new Float32Array(clustered.get(name)?.book.centroids.length ?? p.size));
  }

  step(lr: number): void {
    this.#params.forEach(([name, p], i) => {
      if (p.grad === null || !p.requiresGrad) return;
      const c = this.#clustered.get(name);
      const grad = c === undefined ? p.grad.data : clusterGradients(p.grad.data, c);
      const target = c === undefined ? p.values : c.book.centroids;
      const v = this.#velocity[i]!;
      for (let j = 0; j < target.length; j++) {
        v[j] = this.#momentum * v[j]! + grad[j]!;
        target[j] -= lr * v[j]!;
      }
      if (c !== undefined) applyCodebook(p.values, c.mask, c.book);
      else if (this.#masks.has(name)) applyMask(p.values, this.#masks.get(name)!);
    });
  }

  zeroGrad(): void {
    for (const [, p] of this.#params) p.grad = null;
  }

  stateTensors(): [string, Tensor][] {
    return this.#params.map(([name], i) => [`${name}.momentum`, new Tensor([this.#velocity[i]!.length], "f32", this.#velocity[i]!.slice())]);
  }

  loadStateTensors(state: ReadonlyMap<string, Tensor>): void {
    this.#params.forEach(([name], i) => {
      const t = state.get(`${name}.momentum`);
      if (t !== undefined) this.#velocity[i]!.set(t.data as Float32Array);
    });
  }
}

/** Sum of the weight gradients per cluster (pruned weights contribute nothing). */
export function clusterGradients(grad: Float32Array, c: ClusteredParameter): Float32Array {
  const out = new Float32Array(c.book.centroids.length);
  const { indices } = c.book;
  for (let i = 0; i < grad.length; i++) if (c.mask === undefined || c.mask[i] === 1) out[indices[i]!] += grad[i]!;
  return out;
}
