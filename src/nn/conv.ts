/**
 * Convolution layers over NHWC input. Conv2d: OHWI weights [out, kh, kw, in/groups]; DepthwiseConv2d:
 * TFLite's 1HWO weights [1, kh, kw, channels * multiplier]. Padding: see ./padding.ts.
 */
import { conv2d, depthwiseConv2d, type Variable } from "../autograd/index.js";
import { ArgumentError } from "../errors/index.js";
import type { Rng } from "../tensor/index.js";
import { filled, heUniform } from "./init.js";
import { Module } from "./module.js";
import { checkPadding, pair, resolvePadding, type Padding } from "./padding.js";

export interface ConvOptions {
  stride?: number | [number, number];
  padding?: Padding;
  dilation?: number | [number, number];
  bias?: boolean;
}

export interface Conv2dOptions extends ConvOptions {
  groups?: number;
}

abstract class ConvBase extends Module {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: Padding;

  constructor(kernelSize: number | [number, number], opts: ConvOptions) {
    super();
    this.kernel = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.dilation = pair(opts.dilation ?? 1);
    this.padding = opts.padding ?? "valid";
    checkPadding(this.constructor.name, this.padding);
  }

  protected params(x: Variable, groups: number) {
    const pads = resolvePadding(this.padding, x.shape[1]!, x.shape[2]!, this.kernel, this.stride, this.dilation);
    return { strideH: this.stride[0], strideW: this.stride[1], dilationH: this.dilation[0], dilationW: this.dilation[1], groups, ...pads };
  }
}

export class Conv2d extends ConvBase {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number], rng: Rng, opts: Conv2dOptions = {}) {
    super(kernelSize, opts);
    this.groups = opts.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ArgumentError(`Conv2d: groups=${this.groups} must divide in (${inChannels}) and out (${outChannels}) channels`, "choose groups dividing both channel counts");
    }
    const cinG = inChannels / this.groups;
    const [kh, kw] = this.kernel;
    this.weight = this.addParameter("weight", heUniform(rng, [outChannels, kh, kw, cinG], kh * kw * cinG));
    this.bias = opts.bias === false ? null : this.addParameter("bias", filled([outChannels], 0));
  }

  forward(x: Variable): Variable {
    this.expectInput(x, [null, null, null, this.inChannels], "Conv2d takes NHWC input [batch, height, width, channels]");
    return conv2d(x, this.weight, this.bias, this.params(x, this.groups));
  }
}

export class DepthwiseConv2d extends ConvBase {
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(readonly channels: number, kernelSize: number | [number, number], rng: Rng, opts: ConvOptions & { multiplier?: number } = {}) {
    super(kernelSize, opts);
    const mult = opts.multiplier ?? 1;
    const [kh, kw] = this.kernel;
    this.weight = this.addParameter("weight", heUniform(rng, [1, kh, kw, channels * mult], kh * kw));
    this.bias = opts.bias === false ? null : this.addParameter("bias", filled([channels * mult], 0));
  }

  forward(x: Variable): Variable {
    this.expectInput(x, [null, null, null, this.channels], "DepthwiseConv2d takes NHWC input [batch, height, width, channels]");
    return depthwiseConv2d(x, this.weight, this.bias, this.params(x, 1));
  }
}
