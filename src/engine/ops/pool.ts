/** AVERAGE_POOL_2D and MAX_POOL_2D: int8 and float32. */
import { activationRangeFloat } from "../../kernels/int8/activation-range.js";
import { evalAveragePoolInt8, prepareAveragePoolInt8 } from "../../kernels/int8/average-pool.js";
import { evalMaxPoolInt8, prepareMaxPoolInt8 } from "../../kernels/int8/max-pool.js";
import { preparePoolGeometry, type PoolSpec } from "../../kernels/int8/pool-spec.js";
import type { PrepareContext } from "../context.js";
import { evalAveragePoolF32, evalMaxPoolF32, type PoolF32Params } from "../f32/pool.js";
import { registerKernel } from "../registry.js";

function spec(ctx: PrepareContext, dtype: "i8" | "f32"): PoolSpec {
  ctx.expectInputCount(1);
  const o = ctx.options("Pool2DOptions");
  ctx.expectDType(ctx.input(0), "input", dtype);
  ctx.expectDType(ctx.output(), "output", dtype);
  return {
    inputShape: ctx.input(0).shape,
    outputShape: ctx.output().shape,
    padding: o.padding,
    strideH: o.strideH,
    strideW: o.strideW,
    filterH: o.filterHeight,
    filterW: o.filterWidth,
    activation: o.fusedActivation,
  };
}

function prepareF32(ctx: PrepareContext): PoolF32Params {
  const s = spec(ctx, "f32");
  const range = activationRangeFloat(s.activation);
  return { ...preparePoolGeometry(ctx.op.kind, s), actMin: range.min, actMax: range.max };
}

registerKernel("AVERAGE_POOL_2D", "i8", {
  prepare: (ctx) => prepareAveragePoolInt8(spec(ctx, "i8"), ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalAveragePoolInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("MAX_POOL_2D", "i8", {
  prepare: (ctx) => prepareMaxPoolInt8(spec(ctx, "i8"), ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalMaxPoolInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("AVERAGE_POOL_2D", "f32", {
  prepare: prepareF32,
  eval: (p, io) => evalAveragePoolF32(p, io.inputs[0] as Float32Array, io.outputs[0] as Float32Array),
});

registerKernel("MAX_POOL_2D", "f32", {
  prepare: prepareF32,
  eval: (p, io) => evalMaxPoolF32(p, io.inputs[0] as Float32Array, io.outputs[0] as Float32Array),
});
