/** CONV_2D and DEPTHWISE_CONV_2D: int8 (per-channel weights, int32 bias) and float32. */
import { activationRangeFloat } from "../../kernels/int8/activation-range.js";
import { evalConv2dInt8, prepareConv2dGeometry, prepareConv2dInt8, type Conv2dInt8Params, type ConvSpec } from "../../kernels/int8/conv2d.js";
import {
  evalDepthwiseConv2dInt8,
  prepareDepthwiseConv2dInt8,
  prepareDepthwiseGeometry,
  type DepthwiseConv2dInt8Params,
  type DepthwiseSpec,
} from "../../kernels/int8/depthwise-conv2d.js";
import type { PrepareContext } from "../context.js";
import { evalConv2dF32 } from "../f32/conv2d.js";
import { evalDepthwiseConv2dF32 } from "../f32/depthwise-conv2d.js";
import { registerKernel, type OpKernel } from "../registry.js";

function convSpec(ctx: PrepareContext, dtype: "i8" | "f32"): ConvSpec {
  const o = ctx.op.kind === "CONV_2D" ? ctx.options("Conv2DOptions") : ctx.options("DepthwiseConv2DOptions");
  const { input, weights: filter, bias } = ctx.weightedOpInputs(dtype, "filter");
  return {
    inputShape: input.shape,
    filterShape: filter.shape,
    biasShape: bias ? bias.shape : null,
    outputShape: ctx.output().shape,
    padding: o.padding,
    strideH: o.strideH,
    strideW: o.strideW,
    dilationH: o.dilationHFactor,
    dilationW: o.dilationWFactor,
    activation: o.fusedActivation,
  };
}

function quantOf(ctx: PrepareContext) {
  return { input: ctx.input(0).quant, filter: ctx.input(1).quant, output: ctx.output().quant };
}

function depthwiseSpec(ctx: PrepareContext, dtype: "i8" | "f32"): DepthwiseSpec {
  const s = convSpec(ctx, dtype);
  return { ...s, depthMultiplier: ctx.options("DepthwiseConv2DOptions").depthMultiplier };
}

/** The reference int8 kernels, exported so tests can pin them even after a faster set replaced them. */
export const conv2dInt8Reference: OpKernel<Conv2dInt8Params> = {
  prepare: (ctx) => prepareConv2dInt8(convSpec(ctx, "i8"), quantOf(ctx)),
  eval: (p, io) => evalConv2dInt8(p, io.inputs[0] as Int8Array, io.inputs[1] as Int8Array, (io.inputs[2] ?? null) as Int32Array | null, io.outputs[0] as Int8Array),
};
registerKernel("CONV_2D", "i8", conv2dInt8Reference);

registerKernel("CONV_2D", "f32", {
  prepare: (ctx) => {
    const s = convSpec(ctx, "f32");
    const range = activationRangeFloat(s.activation);
    return { ...prepareConv2dGeometry("CONV_2D", s), actMin: range.min, actMax: range.max };
  },
  eval: (p, io) => evalConv2dF32(p, io.inputs[0] as Float32Array, io.inputs[1] as Float32Array, (io.inputs[2] ?? null) as Float32Array | null, io.outputs[0] as Float32Array),
});

export const depthwiseConv2dInt8Reference: OpKernel<DepthwiseConv2dInt8Params> = {
  prepare: (ctx) => prepareDepthwiseConv2dInt8(depthwiseSpec(ctx, "i8"), quantOf(ctx)),
  eval: (p, io) => evalDepthwiseConv2dInt8(p, io.inputs[0] as Int8Array, io.inputs[1] as Int8Array, (io.inputs[2] ?? null) as Int32Array | null, io.outputs[0] as Int8Array),
};
registerKernel("DEPTHWISE_CONV_2D", "i8", depthwiseConv2dInt8Reference);

registerKernel("DEPTHWISE_CONV_2D", "f32", {
  prepare: (ctx) => {
    const s = depthwiseSpec(ctx, "f32");
    const range = activationRangeFloat(s.activation);
    return { ...prepareDepthwiseGeometry("DEPTHWISE_CONV_2D", s), actMin: range.min, actMax: range.max };
  },
  eval: (p, io) => evalDepthwiseConv2dF32(p, io.inputs[0] as Float32Array, io.inputs[1] as Float32Array, (io.inputs[2] ?? null) as Float32Array | null, io.outputs[0] as Float32Array),
});
