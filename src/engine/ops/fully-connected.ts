/** FULLY_CONNECTED: int8 (per-tensor or per-channel weights) and float32. */
import { UnsupportedError } from "../../errors/index.js";
import { activationRangeFloat } from "../../kernels/int8/activation-range.js";
import {
  evalFullyConnectedInt8,
  prepareFullyConnectedGeometry,
  prepareFullyConnectedInt8,
  type FullyConnectedInt8Params,
  type FullyConnectedSpec,
} from "../../kernels/int8/fully-connected.js";
import type { PrepareContext } from "../context.js";
import { evalFullyConnectedF32 } from "../f32/fully-connected.js";
import { registerKernel, type OpKernel } from "../registry.js";

function spec(ctx: PrepareContext, dtype: "i8" | "f32"): FullyConnectedSpec {
  const o = ctx.options("FullyConnectedOptions");
  if (o.weightsFormat !== "DEFAULT") {
    throw new UnsupportedError(`${ctx.where}: weights format ${o.weightsFormat} is not supported`, "export the model with the default weights format");
  }
  const { input, weights: filter, bias } = ctx.weightedOpInputs(dtype, "weights");
  return { inputShape: input.shape, filterShape: filter.shape, biasShape: bias ? bias.shape : null, outputShape: ctx.output().shape, activation: o.fusedActivation };
}

/** The reference int8 kernel, exported so tests can pin it even after a faster one replaced it. */
export const fullyConnectedInt8Reference: OpKernel<FullyConnectedInt8Params> = {
  prepare: (ctx) => prepareFullyConnectedInt8(spec(ctx, "i8"), { input: ctx.input(0).quant, filter: ctx.input(1).quant, output: ctx.output().quant }),
  eval: (p, io) => evalFullyConnectedInt8(p, io.inputs[0] as Int8Array, io.inputs[1] as Int8Array, (io.inputs[2] ?? null) as Int32Array | null, io.outputs[0] as Int8Array),
};
registerKernel("FULLY_CONNECTED", "i8", fullyConnectedInt8Reference);

registerKernel("FULLY_CONNECTED", "f32", {
  prepare: (ctx) => {
    const s = spec(ctx, "f32");
    const range = activationRangeFloat(s.activation);
    return { ...prepareFullyConnectedGeometry("FULLY_CONNECTED", s), actMin: range.min, actMax: range.max, resident: undefined };
  },
  eval: (p, io) => evalFullyConnectedF32(p, io.inputs[0] as Float32Array, io.inputs[1] as Float32Array, (io.inputs[2] ?? null) as Float32Array | null, io.outputs[0] as Float32Array),
});
