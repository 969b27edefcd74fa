/**
 * SGD (Nesterov momentum, L2 decay) that keeps pruning masks through retraining: a pruned weight's gradient
 * and momentum are zeroed before the update and its value is zeroed after it, so it stays exactly 0.
 * It implements the training loop's optimizer contract, so train's loop retrains a pruned model unchanged.
 */
import type { Variable } from "../autograd/index.js";
import { Tensor } from "../tensor/index.js";
import type { TrainOptimizer } from "../train/index.js";
import { applyMask, type Mask } from "./prune.js";

export interface MaskedSgdOptions {
  momentum?: number;
  weightDecay?: number;
}

export class MaskedSgd implements TrainOptimizer {
  readonly #params: [string, Variable][];
  readonly #masks: ReadonlyMap<string, Mask>;
  readonly #velocity: Float32Array[];
  readonly #momentum: number;
  readonly #decay: number;

  constructor(params: [string, Variable][], masks: ReadonlyMap<string, Mask>, opts: MaskedSgdOptions = {}) {
    this.#params = params;
    this.#masks = masks;
    this.#velocity = params.map(([, p]) => new Float32Array(p.size));
    this.#momentum = opts.momentum ?? 0.9;
    this.#decay = opts.weightDecay ?? 0;
  }

  step(lr: number): void {
    const mu = this.#momentum;
    this.#params.forEach(([name, p], i) => {
      if (p.grad === null || !p.requiresGrad) return;
      const w = p.values;
      const g = p.grad.data;
      const v = this.#velocity[i]!;
      const mask = this.#masks.get(name);
      for (let j = 0; j < w.length; j++) {
        if (mask !== undefined && mask[j] === 0) continue; // masked gradient: no update, no momentum
        const gj = g[j]! + this.#decay * w[j]!;
        const b = mu * v[j]! + gj;
        v[j] = b;
        w[j] -= lr * (gj + mu * b);
      }
      if (mask !== undefined) applyMask(w, mask);
    });
  }

  zeroGrad(): void {
    for (const [, p] of this.#params) p.grad = null;
  }

  stateTensors(): [string, Tensor][] {
    return this.#params.map(([name, p], i) => [`${name}.momentum`, new Tensor(p.shape, "f32", this.#velocity[i]!.slice())]);
  }

  loadStateTensors(state: ReadonlyMap<string, Tensor>): void {
    this.#params.forEach(([name], i) => {
      const t = state.get(`${name}.momentum`);
      if (t !== undefined) this.#velocity[i]!.set(t.data as Float32Array);
    });
  }
}
