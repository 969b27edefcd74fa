/** ADD and MUL with broadcasting: int8 and float32. */
import { activationRangeFloat } from "../../kernels/int8/activation-range.js";
import { evalAddInt8, prepareAddInt8, type BinarySpec } from "../../kernels/int8/add.js";
import { planBroadcast } from "../../kernels/int8/broadcast.js";
import { evalMulInt8, prepareMulInt8 } from "../../kernels/int8/mul.js";
import type { PrepareContext } from "../context.js";
import { evalAddF32, evalMulF32, type BinaryF32Params } from "../f32/elementwise.js";
import { registerKernel } from "../registry.js";

function spec(ctx: PrepareContext, dtype: "i8" | "f32"): BinarySpec {
  ctx.expectInputCount(2);
  const o = ctx.op.kind === "ADD" ? ctx.optionsOrNone("AddOptions") : ctx.optionsOrNone("MulOptions");
  ctx.expectDType(ctx.input(0), "first input", dtype);
  ctx.expectDType(ctx.input(1), "second input", dtype);
  ctx.expectDType(ctx.output(), "output", dtype);
  return { inputShapeA: ctx.input(0).shape, inputShapeB: ctx.input(1).shape, outputShape: ctx.output().shape, activation: o?.fusedActivation ?? "NONE" };
}

function quant(ctx: PrepareContext) {
  return { a: ctx.input(0).quant, b: ctx.input(1).quant, output: ctx.output().quant };
}

function prepareF32(ctx: PrepareContext): BinaryF32Params {
  const s = spec(ctx, "f32");
  const range = activationRangeFloat(s.activation);
  return { broadcast: planBroadcast(ctx.op.kind, s.inputShapeA, s.inputShapeB, s.outputShape), actMin: range.min, actMax: range.max };
}

registerKernel("ADD", "i8", {
  prepare: (ctx) => prepareAddInt8(spec(ctx, "i8"), quant(ctx)),
  eval: (p, io) => evalAddInt8(p, io.inputs[0] as Int8Array, io.inputs[1] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("MUL", "i8", {
  prepare: (ctx) => prepareMulInt8(spec(ctx, "i8"), quant(ctx)),
  eval: (p, io) => evalMulInt8(p, io.inputs[0] as Int8Array, io.inputs[1] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("ADD", "f32", {
  prepare: prepareF32,
  eval: (p, io) => evalAddF32(p, io.inputs[0] as Float32Array, io.inputs[1] as Float32Array, io.outputs[0] as Float32Array),
});

registerKernel("MUL", "f32", {
  prepare: prepareF32,
  eval: (p, io) => evalMulF32(p, io.inputs[0] as Float32Array, io.inputs[1] as Float32Array, io.outputs[0] as Float32Array),
});
