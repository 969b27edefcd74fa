/**
 * Stochastic gradient descent with optional momentum (PyTorch's form: buf = momentum * buf + g, no
 * dampening), Nesterov momentum and L2 weight decay (added to the gradient). One fused pass per parameter.
 */
import { ArgumentError } from "../errors/index.js";
import { Optimizer, type NamedParameters } from "./optimizer.js";
import type { Variable } from "../autograd/index.js";

export interface SgdOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: NamedParameters | readonly Variable[], opts: SgdOptions) {
    const momentum = opts.momentum ?? 0;
    super(params, opts.lr, momentum > 0 ? ["momentum"] : []);
    this.momentum = momentum;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    if (!(momentum >= 0 && momentum < 1) || !(this.weightDecay >= 0)) {
      throw new ArgumentError(`SGD: momentum ${momentum} must be in [0, 1) and weight decay ${this.weightDecay} >= 0`, "use e.g. momentum 0.9, weightDecay 5e-4");
    }
    if (this.nesterov && momentum === 0) {
      throw new ArgumentError("SGD: nesterov needs a momentum > 0", "set momentum, e.g. 0.9");
    }
  }

  protected update(p: Float32Array, grad: Float32Array, i: number): void {
    const { lr, momentum, weightDecay: wd } = this;
    if (momentum === 0) {
      for (let j = 0; j < p.length; j++) p[j] -= lr * (grad[j]! + wd * p[j]!);
      return;
    }
    const buf = this.slot("momentum", i);
    // the common case (plain momentum, no decay) gets its own loop: this runs over every weight every step
    if (!this.nesterov && wd === 0) {
      for (let j = 0; j < p.length; j++) {
        const b = momentum * buf[j]! + grad[j]!;
        buf[j] = b;
        p[j] -= lr * b;
      }
      return;
    }
    const nesterov = this.nesterov;
    for (let j = 0; j < p.length; j++) {
      const g = grad[j]! + wd * p[j]!;
      const b = momentum * buf[j]! + g;
      buf[j] = b;
      p[j] -= lr * (nesterov ? g + momentum * b : b);
    }
  }
}
