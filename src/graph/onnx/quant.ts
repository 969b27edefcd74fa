/** QuantizeLinear / DequantizeLinear around float ops, and fused activations, for the ONNX export. */
import { UnsupportedError } from "../../errors/index.js";
import type { GraphDType, GraphTensor } from "../ir.js";
import type { FusedActivation } from "../options.js";
import type { Layout, OnnxContext } from "./context.js";

/** Activations stored as integers with affine parameters (what DequantizeLinear can read). */
export function isQuantized(t: GraphTensor): boolean {
  return (t.dtype === "i8" || t.dtype === "u8" || t.dtype === "i32") && t.quant !== undefined;
}

/**
 * How a tensor is stored in the ONNX graph. onnxruntime's fast integer kernels take uint8
 * activations, so int8 activations travel as uint8 with the zero point moved up by 128: the same
 * real values, bit for bit. Constants (weights, int32 bias) keep their type.
 */
export function storageOf(t: GraphTensor): { dtype: GraphDType; zeroShift: number } {
  return !t.data && t.dtype === "i8" && t.quant ? { dtype: "u8", zeroShift: 128 } : { dtype: t.dtype, zeroShift: 0 };
}

/** Scale and zero-point initializers of a per-tensor quantized tensor, in its ONNX storage type. */
export function quantInputs(ctx: OnnxContext, t: GraphTensor, storage = storageOf(t)): [string, string] {
  const q = t.quant!;
  if (q.scale.length !== 1) {
    throw new UnsupportedError(
      `tensor ${t.index} "${t.name}" is an activation quantized per channel`,
      "ONNX export handles per-channel quantization for weights only",
    );
  }
  return [ctx.constant("f32", [], [q.scale[0]!]), ctx.constant(storage.dtype, [], [(q.zeroPoint[0] ?? 0) + storage.zeroShift])];
}

/** IR tensor i as float32 in `layout`: dequantized when it is quantized. */
export function floatValue(ctx: OnnxContext, i: number, layout: Layout): string {
  const t = ctx.tensor(i);
  const v = ctx.value(i, layout);
  if (isQuantized(t)) return ctx.apply("DequantizeLinear", [v, ...quantInputs(ctx, t)]);
  if (t.dtype !== "f32") {
    throw new UnsupportedError(`tensor ${i} "${t.name}" is ${t.dtype} without quantization`, "ONNX export handles float32 and quantized int8/uint8 activations");
  }
  return v;
}

/** Stores a float result as IR tensor i (quantizing if i is quantized). */
export function defineFromFloat(ctx: OnnxContext, i: number, layout: Layout, value: string): void {
  const t = ctx.tensor(i);
  const actual: Layout = layout === "nchw" && t.shape.length === 4 ? "nchw" : "plain";
  const out = ctx.define(i, actual);
  if (isQuantized(t)) ctx.node("QuantizeLinear", [value, ...quantInputs(ctx, t)], [out]);
  else ctx.node("Identity", [value], [out]);
}

/** Applies a fused activation to a float value. */
export function activate(ctx: OnnxContext, value: string, act: FusedActivation, where: string): string {
  switch (act) {
    case "NONE":
      return value;
    case "RELU":
      return ctx.apply("Relu", [value]);
    case "RELU6":
      return clip(ctx, value, 0, 6);
    case "RELU_N1_TO_1":
      return clip(ctx, value, -1, 1);
    case "TANH":
      return ctx.apply("Tanh", [value]);
    default:
      throw new UnsupportedError(`${where}: fused activation ${act} has no ONNX export`, "use NONE, RELU, RELU6, RELU_N1_TO_1 or TANH");
  }
}

export function clip(ctx: OnnxContext, value: string, lo: number, hi: number): string {
  return ctx.apply("Clip", [value, ctx.constant("f32", [], [lo]), ctx.constant("f32", [], [hi])]);
}

/**
 * The integer range a fused activation leaves on a quantized output (TFLite's rule:
 * the real bounds quantized with the output's scale and zero point, within the type's range).
 */
export function quantizedActivationRange(t: GraphTensor, act: FusedActivation): [number, number] {
  const [qmin, qmax] = t.dtype === "u8" ? [0, 255] : [-128, 127];
  const s = t.quant!.scale[0]!;
  const z = t.quant!.zeroPoint[0] ?? 0;
  const q = (x: number) => z + Math.round(x / s);
  switch (act) {
    case "RELU":
      return [Math.max(qmin, z), qmax];
    case "RELU6":
      return [Math.max(qmin, z), Math.min(qmax, q(6))];
    case "RELU_N1_TO_1":
      return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    default:
      return [qmin, qmax];
  }
}
