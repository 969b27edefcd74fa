/**
 * BatchNorm2d (per channel of NHWC input — also accepts [N, C]) with running statistics as buffers
 * "running_mean" / "running_var", and GroupNorm. Both have "weight" (gamma, init 1) and "bias" (beta, init 0).
 */
import { batchNorm, groupNorm, type Variable } from "../autograd/index.js";
import { ArgumentError } from "../errors/index.js";
import { Tensor } from "../tensor/index.js";
import { filled } from "./init.js";
import { Module } from "./module.js";

export class BatchNorm2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  readonly runningMean: Tensor<"f32">;
  readonly runningVar: Tensor<"f32">;

  constructor(readonly channels: number, readonly opts: { momentum?: number; eps?: number } = {}) {
    super();
    this.weight = this.addParameter("weight", filled([channels], 1));
    this.bias = this.addParameter("bias", filled([channels], 0));
    this.runningMean = this.addBuffer("running_mean", new Tensor([channels], "f32"));
    this.runningVar = this.addBuffer("running_var", new Tensor([channels], "f32", new Float32Array(channels).fill(1)));
  }

  forward(x: Variable): Variable {
    const pattern = x.shape.length === 2 ? [null, this.channels] : [null, null, null, this.channels];
    this.expectInput(x, pattern, "BatchNorm2d normalises the last (channel) axis of NHWC input");
    return batchNorm(x, this.weight, this.bias, {
      runningMean: this.runningMean.data,
      runningVar: this.runningVar.data,
      training: this.training,
      ...this.opts,
    });
  }
}

export class GroupNorm extends Module {
  readonly weight: Variable;
  readonly bias: Variable;

  constructor(readonly groups: number, readonly channels: number, readonly eps = 1e-5) {
    super();
    if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
      throw new ArgumentError(`GroupNorm: ${groups} groups do not divide ${channels} channels`, "choose a group count that divides the channel count");
    }
    this.weight = this.addParameter("weight", filled([channels], 1));
    this.bias = this.addParameter("bias", filled([channels], 0));
  }

  forward(x: Variable): Variable {
    this.expectInput(x, [null, null, null, this.channels], "GroupNorm takes NHWC input");
    return groupNorm(x, this.weight, this.bias, this.groups, this.eps);
  }
}
