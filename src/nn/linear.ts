/** Fully connected layer: y = x W^T + b, W stored [out, in] as TFLite's FULLY_CONNECTED keeps it. */
import { linear, type Variable } from "../autograd/index.js";
import type { Rng } from "../tensor/index.js";
import { filled, heUniform } from "./init.js";
import { Module } from "./module.js";

export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng, opts: { bias?: boolean } = {}) {
    super();
    this.weight = this.addParameter("weight", heUniform(rng, [outFeatures, inFeatures], inFeatures));
    this.bias = opts.bias === false ? null : this.addParameter("bias", filled([outFeatures], 0));
  }

  forward(x: Variable): Variable {
    this.expectInput(x, [null, this.inFeatures]);
    return linear(x, this.weight, this.bias);
  }
}
