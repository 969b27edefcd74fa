/** Lowering of each supported IR op kind to ONNX nodes (the export direction). */
import { UnsupportedError } from "../../errors/index.js";
import { constantAsFloat32, constantAsIndices, constantAsInt8, constantAsReal, constantAsUint8 } from "../constants.js";
import type { GraphOp, GraphTensor } from "../ir.js";
import type { FusedActivation, Padding } from "../options.js";
import type { Layout, OnnxContext } from "./context.js";
import { activate, clip, defineFromFloat, floatValue, isQuantized, quantInputs, quantizedActivationRange, storageOf } from "./quant.js";

type Lowering = (ctx: OnnxContext, op: GraphOp) => void;

const input = (ctx: OnnxContext, op: GraphOp, k: number): GraphTensor | undefined => {
  const i = op.inputs[k];
  return i === undefined || i < 0 ? undefined : ctx.tensor(i);
};
const output = (ctx: OnnxContext, op: GraphOp): GraphTensor => ctx.tensor(op.outputs[0]!);
const where = (op: GraphOp) => `op ${op.index} (${op.kind})`;

/** TFLite SAME padding: total = max((out-1)*stride + (k-1)*dilation + 1 - in, 0), the extra pixel after. */
function pads(padding: Padding, inHW: number[], outHW: number[], k: number[], stride: number[], dil: number[]): number[] {
  if (padding === "VALID") return [0, 0, 0, 0];
  const total = [0, 1].map((d) => Math.max((outHW[d]! - 1) * stride[d]! + (k[d]! - 1) * dil[d]! + 1 - inHW[d]!, 0));
  const before = total.map((x) => Math.floor(x / 2));
  return [before[0]!, before[1]!, total[0]! - before[0]!, total[1]! - before[1]!];
}

/** Float copy of a constant, with its axes permuted. */
function realConstant(ctx: OnnxContext, t: GraphTensor, perm?: number[]): string {
  const real = constantAsReal(t);
  const bytes = new Uint8Array(real.buffer, real.byteOffset, real.byteLength);
  if (!perm) return ctx.initializer(`w${t.index}`, "f32", t.shape, bytes);
  return ctx.permutedConstant({ ...t, dtype: "f32" }, perm, "f32", bytes);
}

/** DequantizeLinear of an integer constant, per channel along axis 0 when it has several scales. */
function dequantizeConstant(ctx: OnnxContext, t: GraphTensor): string {
  const q = t.quant!;
  const channels = q.scale.length;
  const dims = channels > 1 ? [channels] : [];
  if (channels > 1 && q.quantizedDimension !== 0) {
    throw new UnsupportedError(`tensor ${t.index} "${t.name}" is quantized along dimension ${q.quantizedDimension}`, "ONNX export handles per-channel weights along dimension 0");
  }
  const zeros = ctx.constant(t.dtype, dims, new Array<number>(Math.max(channels, 1)).fill(0));
  return ctx.apply("DequantizeLinear", [ctx.value(t.index, "plain"), ctx.constant("f32", dims, q.scale), zeros], channels > 1 ? { axis: 0 } : {});
}

function conv(ctx: OnnxContext, op: GraphOp, depthwise: boolean): void {
  const o = op.options;
  if (o.type !== "Conv2DOptions" && o.type !== "DepthwiseConv2DOptions") throw badOptions(op);
  const x = input(ctx, op, 0)!;
  const w = input(ctx, op, 1);
  const b = input(ctx, op, 2);
  const y = output(ctx, op);
  if (!w?.data || x.shape.length !== 4 || w.shape.length !== 4 || y.shape.length !== 4) {
    throw new UnsupportedError(`${where(op)}: ONNX export needs 4-D input/output and constant weights`, "convert with constant weights");
  }
  const [kh, kw] = [w.shape[1]!, w.shape[2]!];
  const stride = [o.strideH, o.strideW];
  const dil = [o.dilationHFactor, o.dilationWFactor];
  // OHWI -> OIHW for conv; 1HWO -> O1HW (one input channel per group) for depthwise.
  const perm = depthwise ? [3, 0, 1, 2] : [0, 3, 1, 2];
  const attrs = {
    kernel_shape: [kh, kw],
    strides: stride,
    dilations: dil,
    pads: pads(o.padding, [x.shape[1]!, x.shape[2]!], [y.shape[1]!, y.shape[2]!], [kh, kw], stride, dil),
    group: depthwise ? x.shape[3]! : 1,
  };
  const int8 = x.dtype === "i8" && w.dtype === "i8" && y.dtype === "i8" && isQuantized(x) && isQuantized(w) && isQuantized(y) && (!b || b.dtype === "i32");
  if (int8) {
    qlinearConv(ctx, op, { x, w, b, y, perm, attrs, act: o.fusedActivation });
    return;
  }
  const inputs = [floatValue(ctx, x.index, "nchw"), realConstant(ctx, w, perm)];
  if (b?.data) inputs.push(realConstant(ctx, b));
  const z = ctx.apply("Conv", inputs, attrs);
  defineFromFloat(ctx, y.index, "nchw", activate(ctx, z, o.fusedActivation, where(op)));
}

/** int8 conv as QLinearConv: the same integer inputs TFLite uses (int8 weights, int32 bias). */
function qlinearConv(
  ctx: OnnxContext,
  op: GraphOp,
  p: { x: GraphTensor; w: GraphTensor; b?: GraphTensor; y: GraphTensor; perm: number[]; attrs: Record<string, number | number[]>; act: FusedActivation },
): void {
  const { x, w, b, y } = p;
  const channels = w.quant!.scale.length;
  const wDims = channels > 1 ? [channels] : [];
  const wScale = ctx.constant("f32", wDims, w.quant!.scale);
  const wZero = ctx.constant("i8", wDims, new Array<number>(Math.max(channels, 1)).fill(0));
  const inputs = [
    ctx.value(x.index, "nchw"),
    ...quantInputs(ctx, x),
    ctx.permutedConstant(w, p.perm),
    wScale,
    wZero,
    ...quantInputs(ctx, y),
  ];
  if (b?.data) inputs.push(ctx.value(b.index, "plain"));
  const [lo, hi] = quantizedActivationRange(y, p.act);
  if (lo === -128 && hi === 127) {
    ctx.node("QLinearConv", inputs, [ctx.define(y.index, "nchw")], p.attrs);
    return;
  }
  // The fused activation clamps inside the int8 range: clamp in float, then quantize (exact for ints).
  const raw = ctx.apply("QLinearConv", inputs, p.attrs);
  const [s, z] = [y.quant!.scale[0]!, y.quant!.zeroPoint[0] ?? 0];
  const f = ctx.apply("DequantizeLinear", [raw, ...quantInputs(ctx, y)]);
  defineFromFloat(ctx, y.index, "nchw", clip(ctx, f, (lo - z) * s, (hi - z) * s));
}

function pool(ctx: OnnxContext, op: GraphOp, kind: "AveragePool" | "MaxPool"): void {
  const o = op.options;
  if (o.type !== "Pool2DOptions") throw badOptions(op);
  const x = input(ctx, op, 0)!;
  const y = output(ctx, op);
  if (x.shape.length !== 4 || y.shape.length !== 4) throw new UnsupportedError(`${where(op)}: ONNX export needs 4-D input and output`, "pool NHWC tensors");
  const k = [o.filterHeight, o.filterWidth];
  const stride = [o.strideH, o.strideW];
  const attrs: Record<string, number | number[]> = {
    kernel_shape: k,
    strides: stride,
    pads: pads(o.padding, [x.shape[1]!, x.shape[2]!], [y.shape[1]!, y.shape[2]!], k, stride, [1, 1]),
  };
  if (kind === "AveragePool") attrs.count_include_pad = 0; // TFLite averages over the valid pixels only
  const z = ctx.apply(kind, [floatValue(ctx, x.index, "nchw")], attrs);
  defineFromFloat(ctx, y.index, "nchw", activate(ctx, z, o.fusedActivation, where(op)));
}

function fullyConnected(ctx: OnnxContext, op: GraphOp): void {
  const o = op.options;
  if (o.type !== "FullyConnectedOptions") throw badOptions(op);
  const x = input(ctx, op, 0)!;
  const w = input(ctx, op, 1);
  const b = input(ctx, op, 2);
  const y = output(ctx, op);
  if (!w?.data || w.shape.length !== 2) throw new UnsupportedError(`${where(op)}: ONNX export needs constant 2-D weights`, "convert with constant weights");
  let xf = floatValue(ctx, x.index, "plain");
  if (x.shape.length !== 2) xf = ctx.apply("Reshape", [xf, ctx.constant("i64", [2], [-1, w.shape[1]!])]);
  // Gemm with transB takes the weights as TFLite stores them, [units, depth]. Integer weights and
  // bias go in through DequantizeLinear (the QDQ form), so importers and onnxruntime see integers.
  const integer = w.dtype === "i8" && isQuantized(w) && (!b || (b.dtype === "i32" && isQuantized(b)));
  const gemmInputs = [xf, integer ? dequantizeConstant(ctx, w) : realConstant(ctx, w)];
  if (b?.data) gemmInputs.push(integer ? dequantizeConstant(ctx, b) : realConstant(ctx, b));
  let z = ctx.apply("Gemm", gemmInputs, { transB: 1 });
  z = activate(ctx, z, o.fusedActivation, where(op));
  if (y.shape.length !== 2) z = ctx.apply("Reshape", [z, ctx.constant("i64", [y.shape.length], y.shape)]);
  defineFromFloat(ctx, y.index, "plain", z);
}

function reshape(ctx: OnnxContext, op: GraphOp): void {
  const x = input(ctx, op, 0)!;
  const y = output(ctx, op);
  // TFLite keeps the quantization through a reshape, so the integers move unchanged.
  ctx.node("Reshape", [ctx.value(x.index, "plain"), ctx.constant("i64", [y.shape.length], y.shape)], [ctx.define(y.index, "plain")]);
}

function softmax(ctx: OnnxContext, op: GraphOp): void {
  const o = op.options;
  const beta = o.type === "SoftmaxOptions" ? o.beta : 1;
  let z = floatValue(ctx, op.inputs[0]!, "plain");
  if (beta !== 1) z = ctx.apply("Mul", [z, ctx.constant("f32", [], [beta])]);
  defineFromFloat(ctx, op.outputs[0]!, "plain", ctx.apply("Softmax", [z], { axis: -1 }));
}

/** Elementwise binary op; stays in NCHW when every operand is rank 4 (no broadcasting across layouts). */
function binary(ctx: OnnxContext, op: GraphOp, onnxOp: "Add" | "Sub" | "Mul"): void {
  const ins = op.inputs.map((i) => ctx.tensor(i));
  const layout: Layout = ins.every((t) => t.shape.length === 4) ? "nchw" : "plain";
  const act = "fusedActivation" in op.options ? (op.options.fusedActivation as FusedActivation) : "NONE";
  const z = ctx.apply(onnxOp, ins.map((t) => (t.data ? layoutConstant(ctx, t, layout) : floatValue(ctx, t.index, layout))));
  defineFromFloat(ctx, op.outputs[0]!, layout, activate(ctx, z, act, where(op)));
}

function layoutConstant(ctx: OnnxContext, t: GraphTensor, layout: Layout): string {
  return layout === "nchw" && t.shape.length === 4 ? realConstant(ctx, t, [0, 3, 1, 2]) : realConstant(ctx, t);
}

/** Elementwise unary op in whichever layout its input already has. */
function unary(ctx: OnnxContext, op: GraphOp, build: (v: string) => string): void {
  const i = op.inputs[0]!;
  const layout = ctx.currentLayout(i);
  defineFromFloat(ctx, op.outputs[0]!, layout, build(floatValue(ctx, i, layout)));
}

function quantize(ctx: OnnxContext, op: GraphOp): void {
  const i = op.inputs[0]!;
  const layout = ctx.currentLayout(i);
  defineFromFloat(ctx, op.outputs[0]!, layout, floatValue(ctx, i, layout));
}

function dequantize(ctx: OnnxContext, op: GraphOp): void {
  const x = input(ctx, op, 0)!;
  const layout = ctx.currentLayout(x.index);
  const v = x.dtype === "f16" ? ctx.apply("Cast", [ctx.value(x.index, layout)], { to: 1 }) : floatValue(ctx, x.index, layout);
  defineFromFloat(ctx, op.outputs[0]!, layout, v);
}

function mean(ctx: OnnxContext, op: GraphOp): void {
  const axesTensor = input(ctx, op, 1);
  if (!axesTensor?.data) throw new UnsupportedError(`${where(op)}: ONNX export needs constant axes`, "convert with constant reduction axes");
  const x = input(ctx, op, 0)!;
  const axes = constantAsIndices(axesTensor).map((a) => (a < 0 ? a + x.shape.length : a));
  const keepdims = op.options.type === "ReducerOptions" && op.options.keepDims ? 1 : 0;
  const z = ctx.apply("ReduceMean", [floatValue(ctx, x.index, "plain")], { axes, keepdims });
  defineFromFloat(ctx, op.outputs[0]!, "plain", z);
}

function pad(ctx: OnnxContext, op: GraphOp): void {
  const x = input(ctx, op, 0)!;
  const p = input(ctx, op, 1);
  if (!p?.data) throw new UnsupportedError(`${where(op)}: ONNX export needs constant paddings`, "convert with constant paddings");
  const flat = constantAsIndices(p);
  const rank = x.shape.length;
  if (flat.length !== 2 * rank) throw new UnsupportedError(`${where(op)}: ${flat.length} padding values for a rank-${rank} input`, "give a [rank, 2] paddings tensor");
  const pads = [...Array.from({ length: rank }, (_, d) => flat[2 * d]!), ...Array.from({ length: rank }, (_, d) => flat[2 * d + 1]!)];
  // TFLite pads quantized tensors with the zero point (PADV2: with its constant input), in the integers.
  const fill = input(ctx, op, 2);
  const storage = storageOf(x);
  let value = isQuantized(x) ? (x.quant!.zeroPoint[0] ?? 0) : 0;
  if (fill?.data) value = fill.dtype === "i8" ? constantAsInt8(fill)[0]! : fill.dtype === "u8" ? constantAsUint8(fill)[0]! : constantAsFloat32(fill)[0]!;
  const cval = ctx.constant(storage.dtype, [], [value + storage.zeroShift]);
  ctx.node("Pad", [ctx.value(x.index, "plain"), ctx.constant("i64", [pads.length], pads), cval], [ctx.define(op.outputs[0]!, "plain")], { mode: "constant" });
}

function concatenation(ctx: OnnxContext, op: GraphOp): void {
  const o = op.options;
  if (o.type !== "ConcatenationOptions") throw badOptions(op);
  const y = output(ctx, op);
  const axis = o.axis < 0 ? o.axis + y.shape.length : o.axis;
  const ins = op.inputs.map((i) => (ctx.tensor(i).data ? realConstant(ctx, ctx.tensor(i)) : floatValue(ctx, i, "plain")));
  const z = ctx.apply("Concat", ins, { axis });
  defineFromFloat(ctx, y.index, "plain", activate(ctx, z, o.fusedActivation, where(op)));
}

function badOptions(op: GraphOp): UnsupportedError {
  return new UnsupportedError(`${where(op)} carries options ${op.options.type}`, "the model is malformed; re-export it");
}

/**
 * Checks the op has its first `required` inputs (all of them when "all") and an output, so the
 * lowerings can index them freely.
 */
function withArity(required: number | "all", lower: Lowering): Lowering {
  return (ctx, op) => {
    const n = required === "all" ? Math.max(op.inputs.length, 1) : required;
    const missing = Array.from({ length: n }, (_, k) => k).find((k) => op.inputs[k] === undefined || op.inputs[k]! < 0);
    if (missing !== undefined || op.outputs.length === 0) {
      throw new UnsupportedError(
        `${where(op)} has ${op.inputs.length} inputs and ${op.outputs.length} outputs; ONNX export needs input ${missing ?? 0} and an output`,
        "the model is malformed; re-export it",
      );
    }
    lower(ctx, op);
  };
}

const BY_KIND: Record<string, [number | "all", Lowering]> = {
  CONV_2D: [2, (c, op) => conv(c, op, false)],
  DEPTHWISE_CONV_2D: [2, (c, op) => conv(c, op, true)],
  AVERAGE_POOL_2D: [1, (c, op) => pool(c, op, "AveragePool")],
  MAX_POOL_2D: [1, (c, op) => pool(c, op, "MaxPool")],
  FULLY_CONNECTED: [2, fullyConnected],
  RESHAPE: [1, reshape],
  SOFTMAX: [1, softmax],
  ADD: ["all", (c, op) => binary(c, op, "Add")],
  SUB: ["all", (c, op) => binary(c, op, "Sub")],
  MUL: ["all", (c, op) => binary(c, op, "Mul")],
  QUANTIZE: [1, quantize],
  DEQUANTIZE: [1, dequantize],
  MEAN: [2, mean],
  PAD: [2, pad],
  PADV2: [2, pad],
  CONCATENATION: ["all", concatenation],
  RELU: [1, (c, op) => unary(c, op, (v) => c.apply("Relu", [v]))],
  RELU6: [1, (c, op) => unary(c, op, (v) => clip(c, v, 0, 6))],
  RELU_N1_TO_1: [1, (c, op) => unary(c, op, (v) => clip(c, v, -1, 1))],
  LOGISTIC: [1, (c, op) => unary(c, op, (v) => c.apply("Sigmoid", [v]))],
  TANH: [1, (c, op) => unary(c, op, (v) => c.apply("Tanh", [v]))],
  HARD_SWISH: [1, (c, op) => unary(c, op, (v) => c.apply("HardSwish", [v]))],
};

export const LOWERINGS: Record<string, Lowering> = Object.fromEntries(
  Object.entries(BY_KIND).map(([kind, [required, lower]]) => [kind, withArity(required, lower)]),
);
