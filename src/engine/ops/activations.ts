/** SOFTMAX, LOGISTIC, RELU, RELU6, HARD_SWISH: int8 (TFLite fixed point) and float32. */
import { evalHardSwishInt8, prepareHardSwishInt8 } from "../../kernels/int8/hard-swish.js";
import { evalLogisticInt8, prepareLogisticInt8 } from "../../kernels/int8/logistic.js";
import { evalRelu6Int8, evalReluInt8, prepareRelu6Int8, prepareReluInt8 } from "../../kernels/int8/relu.js";
import { checkSameSize } from "../../kernels/int8/shape-checks.js";
import { evalSoftmaxInt8, prepareSoftmaxInt8 } from "../../kernels/int8/softmax.js";
import type { PrepareContext } from "../context.js";
import { evalSoftmaxF32, evalUnaryF32, type UnaryF32 } from "../f32/elementwise.js";
import { registerKernel } from "../registry.js";

function shapes(ctx: PrepareContext, dtype: "i8" | "f32") {
  ctx.expectInputCount(1);
  ctx.expectDType(ctx.input(0), "input", dtype);
  ctx.expectDType(ctx.output(), "output", dtype);
  return { inputShape: ctx.input(0).shape, outputShape: ctx.output().shape };
}

function softmaxBeta(ctx: PrepareContext): number {
  return ctx.optionsOrNone("SoftmaxOptions")?.beta ?? 1;
}

registerKernel("SOFTMAX", "i8", {
  prepare: (ctx) => prepareSoftmaxInt8({ ...shapes(ctx, "i8"), beta: softmaxBeta(ctx) }, ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalSoftmaxInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("SOFTMAX", "f32", {
  prepare: (ctx) => {
    const s = shapes(ctx, "f32");
    const size = checkSameSize("SOFTMAX", s.inputShape, s.outputShape);
    const depth = s.inputShape[s.inputShape.length - 1] ?? 1;
    return { rows: depth === 0 ? 0 : size / depth, depth, beta: softmaxBeta(ctx) };
  },
  eval: (p, io) => evalSoftmaxF32(p.rows, p.depth, p.beta, io.inputs[0] as Float32Array, io.outputs[0] as Float32Array),
});

registerKernel("LOGISTIC", "i8", {
  prepare: (ctx) => prepareLogisticInt8(shapes(ctx, "i8"), ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalLogisticInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("RELU", "i8", {
  prepare: (ctx) => prepareReluInt8(shapes(ctx, "i8"), ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalReluInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("RELU6", "i8", {
  prepare: (ctx) => prepareRelu6Int8(shapes(ctx, "i8"), ctx.input(0).quant),
  eval: (p, io) => evalRelu6Int8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("HARD_SWISH", "i8", {
  prepare: (ctx) => prepareHardSwishInt8(shapes(ctx, "i8"), ctx.input(0).quant, ctx.output().quant),
  eval: (p, io) => evalHardSwishInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

for (const kind of ["RELU", "RELU6", "LOGISTIC", "HARD_SWISH"] as const satisfies readonly UnaryF32[]) {
  registerKernel(kind, "f32", {
    prepare: (ctx) => checkSameSize(kind, shapes(ctx, "f32").inputShape, ctx.output().shape),
    eval: (_p, io) => evalUnaryF32(kind, io.inputs[0] as Float32Array, io.outputs[0] as Float32Array),
  });
}
