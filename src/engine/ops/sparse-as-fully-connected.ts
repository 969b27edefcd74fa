/**
 * The ops the sparse routing can run as a FULLY_CONNECTED on [rows, depth] inputs: FULLY_CONNECTED itself, and a
 * 1x1 CONV_2D with stride 1 (any padding is none for a 1x1 window), whose pixels are the rows and whose OHWI
 * filter [out, 1, 1, in] is an [out, in] matrix. Called after the dense kernel's prepare has validated the op.
 */
import { activationRangeFloat } from "../../kernels/int8/activation-range.js";
import { prepareFullyConnectedGeometry, prepareFullyConnectedInt8, type FullyConnectedInt8Params, type FullyConnectedSpec } from "../../kernels/int8/fully-connected.js";
import type { PrepareContext } from "../context.js";
import type { FullyConnectedF32Params } from "../f32/fully-connected.js";
import { fullyConnectedInt8Reference } from "./fully-connected.js";

export interface AsFullyConnected {
  int8(ctx: PrepareContext): FullyConnectedInt8Params | null;
  f32(ctx: PrepareContext): FullyConnectedF32Params | null;
}

function conv1x1Spec(ctx: PrepareContext): FullyConnectedSpec | null {
  const o = ctx.options("Conv2DOptions");
  const input = ctx.input(0).shape;
  const filter = ctx.input(1).shape;
  const output = ctx.output().shape;
  if (filter.length !== 4 || input.length !== 4 || filter[1] !== 1 || filter[2] !== 1 || filter[3] !== input[3]) return null;
  if (o.strideH !== 1 || o.strideW !== 1) return null;
  const [n, h, w] = input as [number, number, number, number];
  const bias = ctx.optionalInput(2);
  return { inputShape: input, filterShape: [filter[0]!, filter[3]!], biasShape: bias ? bias.shape : null, outputShape: [n * h * w, output[3]!], activation: o.fusedActivation };
}

export const FULLY_CONNECTED_VIEW: AsFullyConnected = {
  int8: (ctx) => fullyConnectedInt8Reference.prepare(ctx),
  f32: (ctx) => {
    const o = ctx.options("FullyConnectedOptions");
    const w = ctx.input(1).shape;
    const bias = ctx.optionalInput(2);
    const range = activationRangeFloat(o.fusedActivation);
    const s = { inputShape: ctx.input(0).shape, filterShape: w, biasShape: bias ? bias.shape : null, outputShape: ctx.output().shape, activation: o.fusedActivation };
    return { ...prepareFullyConnectedGeometry("FULLY_CONNECTED", s), actMin: range.min, actMax: range.max };
  },
};

export const CONV_1X1_VIEW: AsFullyConnected = {
  int8: (ctx) => {
    const s = conv1x1Spec(ctx);
    return s && prepareFullyConnectedInt8(s, { input: ctx.input(0).quant, filter: ctx.input(1).quant, output: ctx.output().quant });
  },
  f32: (ctx) => {
    const s = conv1x1Spec(ctx);
    if (s === null) return null;
    const range = activationRangeFloat(s.activation);
    return { ...prepareFullyConnectedGeometry("CONV_2D", s), actMin: range.min, actMax: range.max };
  },
};
