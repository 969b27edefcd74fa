/**
 * ConvTranspose2d: learned upsampling (DCGAN generators). Weights [out, kh, kw, in] as TFLite's
 * TRANSPOSE_CONV keeps them. Output size: input * stride for "same" padding, (input - 1) * stride + kernel
 * for "valid". He-uniform init with the effective fan-in in * kh * kw / (strideH * strideW).
 */
import { conv2dTranspose, type Variable } from "../autograd/index.js";
import { ArgumentError } from "../errors/index.js";
import type { Rng } from "../tensor/index.js";
import { filled, heUniform } from "./init.js";
import { Module } from "./module.js";
import { pair, resolvePadding } from "./padding.js";

export interface ConvTransposeOptions {
  stride?: number | [number, number];
  padding?: "same" | "valid";
  bias?: boolean;
}

export class ConvTranspose2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly padding: "same" | "valid";

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number], rng: Rng, opts: ConvTransposeOptions = {}) {
    super();
    this.kernel = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.padding = opts.padding ?? "valid";
    if (this.padding !== "same" && this.padding !== "valid") {
      throw new ArgumentError(`ConvTranspose2d: padding ${JSON.stringify(this.padding)} is not understood`, 'use "same" or "valid"');
    }
    const [kh, kw] = this.kernel;
    const fanIn = Math.max(1, (inChannels * kh * kw) / (this.stride[0] * this.stride[1]));
    this.weight = this.addParameter("weight", heUniform(rng, [outChannels, kh, kw, inChannels], fanIn));
    this.bias = opts.bias === false ? null : this.addParameter("bias", filled([outChannels], 0));
  }

  /** Output height and width for an input of the given size. */
  outputSize(h: number, w: number): [number, number] {
    const [sh, sw] = this.stride;
    if (this.padding === "same") return [h * sh, w * sw];
    return [(h - 1) * sh + this.kernel[0], (w - 1) * sw + this.kernel[1]];
  }

  forward(x: Variable): Variable {
    this.expectInput(x, [null, null, null, this.inChannels], "ConvTranspose2d takes NHWC input [batch, height, width, channels]");
    const out = this.outputSize(x.shape[1]!, x.shape[2]!);
    // the pads are those of the conv that maps the output back to the input
    const pads = resolvePadding(this.padding, out[0], out[1], this.kernel, this.stride);
    return conv2dTranspose(x, this.weight, this.bias, { strideH: this.stride[0], strideW: this.stride[1], ...pads }, out);
  }
}
