/** QUANTIZE (float32 -> int8, int8 -> int8) and DEQUANTIZE (int8 -> float32). */
import { evalDequantize, prepareDequantize } from "../../kernels/int8/dequantize.js";
import { evalQuantizeFromFloat, evalRequantize, prepareQuantizeFromFloat, prepareRequantize } from "../../kernels/int8/quantize.js";
import { decodeFloat16 } from "../../kernels/int8/half.js";
import { checkSameSize } from "../../kernels/int8/shape-checks.js";
import { registerKernel } from "../registry.js";

registerKernel("QUANTIZE", "f32", {
  prepare: (ctx) => {
    ctx.expectInputCount(1);
    ctx.expectDType(ctx.output(), "output", "i8");
    return prepareQuantizeFromFloat(checkSameSize("QUANTIZE", ctx.input(0).shape, ctx.output().shape), ctx.output().quant);
  },
  eval: (p, io) => evalQuantizeFromFloat(p, io.inputs[0] as Float32Array, io.outputs[0] as Int8Array),
});

registerKernel("QUANTIZE", "i8", {
  prepare: (ctx) => {
    ctx.expectInputCount(1);
    ctx.expectDType(ctx.output(), "output", "i8");
    return prepareRequantize(checkSameSize("QUANTIZE", ctx.input(0).shape, ctx.output().shape), ctx.input(0).quant, ctx.output().quant);
  },
  eval: (p, io) => evalRequantize(p, io.inputs[0] as Int8Array, io.outputs[0] as Int8Array),
});

registerKernel("DEQUANTIZE", "i8", {
  prepare: (ctx) => {
    ctx.expectInputCount(1);
    ctx.expectDType(ctx.output(), "output", "f32");
    return prepareDequantize(checkSameSize("DEQUANTIZE", ctx.input(0).shape, ctx.output().shape), ctx.input(0).quant);
  },
  eval: (p, io) => evalDequantize(p, io.inputs[0] as Int8Array, io.outputs[0] as Float32Array),
});

/** float16 weights (TFLite's float16 quantization) become float32 once, at prepare time. */
registerKernel("DEQUANTIZE", "f16", {
  prepare: (ctx) => {
    ctx.expectInputCount(1);
    const input = ctx.input(0);
    ctx.requireConstant(input, "float16 input");
    ctx.expectDType(ctx.output(), "output", "f32");
    checkSameSize("DEQUANTIZE", input.shape, ctx.output().shape);
    return decodeFloat16(input.data!);
  },
  eval: (values, io) => io.outputs[0]!.set(values),
});
