/**
 * Adam with bias correction. Weight decay is L2 added to the gradient by default, or decoupled (AdamW:
 * p -= lr * wd * p) with `decoupledWeightDecay`. State slots: "exp_avg", "exp_avg_sq".
 */
import { ArgumentError } from "../errors/index.js";
import { Optimizer, type NamedParameters } from "./optimizer.js";
import type { Variable } from "../autograd/index.js";

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;

  constructor(params: NamedParameters | readonly Variable[], opts: AdamOptions) {
    super(params, opts.lr, ["exp_avg", "exp_avg_sq"]);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decoupled = opts.decoupledWeightDecay ?? false;
    const ok = this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1 && this.eps > 0 && this.weightDecay >= 0;
    if (!ok) {
      throw new ArgumentError(`Adam: betas (${this.beta1}, ${this.beta2}) must be in [0, 1), eps > 0, weight decay >= 0`, "the usual values are betas 0.9, 0.999 and eps 1e-8");
    }
  }

  protected update(p: Float32Array, grad: Float32Array, i: number): void {
    const { lr, beta1, beta2, eps, weightDecay: wd } = this;
    const m = this.slot("exp_avg", i);
    const v = this.slot("exp_avg_sq", i);
    const stepSize = lr / (1 - beta1 ** this.stepCount);
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.stepCount);
    const l2 = this.decoupled ? 0 : wd;
    const shrink = this.decoupled ? 1 - lr * wd : 1;
    for (let j = 0; j < p.length; j++) {
      const g = grad[j]! + l2 * p[j]!;
      const mj = beta1 * m[j]! + (1 - beta1) * g;
      const vj = beta2 * v[j]! + (1 - beta2) * g * g;
      m[j] = mj;
      v[j] = vj;
      p[j] = p[j]! * shrink - (stepSize * mj) / (Math.sqrt(vj) / sqrtBc2 + eps);
    }
  }
}
