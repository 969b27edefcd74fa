/** RESHAPE (and its cousins SQUEEZE, EXPAND_DIMS), PAD, CONCATENATION, MEAN: data movement and reductions, int8 and float32. */
import { UnsupportedError } from "../../errors/index.js";
import { evalConcatenation, prepareConcatenation } from "../../kernels/int8/concatenation.js";
import { evalMeanFloat, evalMeanInt8, prepareMean, prepareMeanInt8 } from "../../kernels/int8/mean.js";
import { evalPad, preparePad } from "../../kernels/int8/pad.js";
import { requireSameQuant } from "../../kernels/int8/pool-spec.js";
import { checkSameSize } from "../../kernels/int8/shape-checks.js";
import type { PrepareContext } from "../context.js";
import { registerKernel, type KernelDType } from "../registry.js";

for (const dtype of ["i8", "f32"] as const) {
  // Pure shape changes: the output tensor's shape is authoritative (the converter resolved -1 and any shape input).
  for (const kind of ["RESHAPE", "SQUEEZE", "EXPAND_DIMS"]) {
    registerKernel(kind, dtype, {
      prepare: (ctx) => {
        ctx.expectInputCount(1, 2);
        ctx.expectDType(ctx.input(0), "input", dtype);
        ctx.expectDType(ctx.output(), "output", dtype);
        return checkSameSize(kind, ctx.input(0).shape, ctx.output().shape);
      },
      eval: (_size, io) => io.outputs[0]!.set(io.inputs[0]!),
    });
  }

  // PADV2 is PAD with an explicit pad value as the third input.
  for (const kind of ["PAD", "PADV2"]) {
    registerKernel(kind, dtype, {
      prepare: (ctx) => {
        ctx.expectInputCount(2, 3);
        const input = ctx.input(0);
        ctx.expectDType(input, "input", dtype);
        ctx.expectDType(ctx.output(), "output", dtype);
        const paddings = ctx.input(1);
        ctx.requireConstant(paddings, "paddings");
        let padValue = 0;
        if (dtype === "i8") padValue = requireSameQuant(ctx.where, input.quant, ctx.output().quant).zeroPoint;
        const constantValue = ctx.optionalInput(2);
        if (constantValue) {
          ctx.requireConstant(constantValue, "pad value");
          ctx.expectDType(constantValue, "pad value", dtype);
          padValue = (dtype === "i8" ? ctx.constantInt8(constantValue) : ctx.constantFloat32(constantValue))[0] ?? padValue;
        }
        return preparePad(input.shape, ctx.constantIndices(paddings), ctx.output().shape, padValue);
      },
      eval: (p, io) => evalPad(p, io.inputs[0]!, io.outputs[0]!),
    });
  }

  registerKernel("CONCATENATION", dtype, {
    prepare: (ctx) => {
      const o = ctx.options("ConcatenationOptions");
      if (o.fusedActivation !== "NONE") {
        throw new UnsupportedError(`${ctx.where}: fused activation ${o.fusedActivation} on CONCATENATION is not supported`, "remove the fused activation");
      }
      const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
      for (const t of inputs) ctx.expectDType(t, "input", dtype);
      ctx.expectDType(ctx.output(), "output", dtype);
      return prepareConcatenation(inputs.map((t) => t.shape), ctx.output().shape, o.axis);
    },
    eval: (p, io) => evalConcatenation(p, io.inputs as ArrayLike<number>[], io.outputs[0]!),
  });
}

function meanArgs(ctx: PrepareContext, dtype: KernelDType) {
  ctx.expectInputCount(2);
  ctx.expectDType(ctx.input(0), "input", dtype);
  ctx.expectDType(ctx.output(), "output", dtype);
  ctx.requireConstant(ctx.input(1), "axis");
  return {
    axes: ctx.constantIndices(ctx.input(1)),
    keepDims: ctx.optionsOrNone("ReducerOptions")?.keepDims ?? false,
  };
}

registerKernel("MEAN", "i8", {
  prepare: (ctx) => {
    const { axes, keepDims } = meanArgs(ctx, "i8");
    return prepareMeanInt8(ctx.input(0).shape, axes, keepDims, ctx.output().shape, ctx.input(0).quant, ctx.output().quant);
  },
  eval: (p, io) => evalMeanInt8(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("MEAN", "f32", {
  prepare: (ctx) => {
    const { axes, keepDims } = meanArgs(ctx, "f32");
    return prepareMean(ctx.input(0).shape, axes, keepDims, ctx.output().shape);
  },
  eval: (p, io) => evalMeanFloat(p, io.inputs[0] as Float32Array, io.outputs[0] as Float32Array),
});
