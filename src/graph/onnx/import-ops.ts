/** ONNX node -> IR op(s), for the float CNN subset: one function per ONNX op type. */
import { broadcastShapes } from "../../tensor/index.js";
import type { FusedActivation, OpOptions, Padding } from "../options.js";
import type { OnnxNode } from "./onnx-model.js";
import { floatAttr, intAttr, intsAttr, stringAttr, type ImportValue, type Importer } from "./importer.js";
import { quantRules } from "./import-quant.js";

type ImportRule = (im: Importer, node: OnnxNode) => void;

/** NHWC position of each NCHW axis. */
const NCHW_TO_IR_AXIS = [0, 3, 1, 2];

function require4dNchw(im: Importer, node: OnnxNode, v: ImportValue): number[] {
  if (v.layout !== "nchw") im.unsupported(node, "expects a 4-D NCHW activation", "the importer handles convolution stacks whose 4-D tensors are NCHW");
  return im.tensors[v.tensor]!.shape; // [N, H, W, C]
}

interface Window {
  padding: Padding;
  out: [number, number];
  /** Explicit pads [top, left, bottom, right] that neither SAME nor VALID expresses. */
  extraPads?: number[];
}

/** Maps ONNX pads/auto_pad onto TFLite's SAME/VALID (SAME = pad after when odd, like SAME_UPPER). */
function window(im: Importer, node: OnnxNode, hw: number[], kernel: number[], strides: number[], dilations: number[]): Window {
  const eff = [0, 1].map((d) => (kernel[d]! - 1) * dilations[d]! + 1);
  const same = [0, 1].map((d) => Math.ceil(hw[d]! / strides[d]!)) as [number, number];
  const autoPad = stringAttr(node, "auto_pad", "NOTSET");
  if (intAttr(node, "ceil_mode", 0) !== 0) im.unsupported(node, "ceil_mode=1 is not supported");
  if (autoPad === "SAME_UPPER") return { padding: "SAME", out: same };
  if (autoPad === "VALID") return { padding: "VALID", out: [0, 1].map((d) => Math.floor((hw[d]! - eff[d]!) / strides[d]!) + 1) as [number, number] };
  if (autoPad !== "NOTSET") im.unsupported(node, `auto_pad ${autoPad} is not supported`);
  const pads = intsAttr(node, "pads", [0, 0, 0, 0]);
  if (pads.length !== 4) im.unsupported(node, `pads [${pads.join(", ")}] are not 2-D`);
  const out = [0, 1].map((d) => Math.floor((hw[d]! + pads[d]! + pads[d + 2]! - eff[d]!) / strides[d]!) + 1) as [number, number];
  const total = [0, 1].map((d) => Math.max((same[d]! - 1) * strides[d]! + eff[d]! - hw[d]!, 0));
  const before = total.map((t) => Math.floor(t / 2));
  const isSame = out[0] === same[0] && out[1] === same[1] && [0, 1].every((d) => pads[d] === before[d] && pads[d + 2] === total[d]! - before[d]!);
  // Where SAME and VALID coincide (e.g. 1x1 kernels) prefer SAME, as the TFLite converter does.
  if (isSame) return { padding: "SAME", out };
  if (pads.every((p) => p === 0)) return { padding: "VALID", out };
  return { padding: "VALID", out, extraPads: pads };
}

/** Explicit PAD op (zeros) in front of a VALID conv for pads TFLite's SAME cannot express. */
function padFirst(im: Importer, node: OnnxNode, x: ImportValue, pads: number[]): ImportValue {
  const [n, h, w, c] = im.tensors[x.tensor]!.shape as [number, number, number, number];
  const paddings = im.addConstant(`${node.name}_paddings`, [4, 2], [0, 0, pads[0]!, pads[2]!, pads[1]!, pads[3]!, 0, 0], "i32");
  const out = im.addTensor(`${node.name}_padded`, [n, h + pads[0]! + pads[2]!, w + pads[1]! + pads[3]!, c]);
  im.addOp("PAD", [x.tensor, paddings], [out], { type: "PadOptions" });
  return { tensor: out, layout: "nchw" };
}

const conv: ImportRule = (im, node) => {
  let x = im.value(node, 0);
  const [n, h, w, c] = require4dNchw(im, node, x);
  const weights = im.constant(node, 1)!;
  if (weights.dims.length !== 4) im.unsupported(node, `weights have dims [${weights.dims.join(", ")}], expected 4-D`);
  const [o, ig, kh, kw] = weights.dims as [number, number, number, number];
  const group = intAttr(node, "group", 1);
  const strides = intsAttr(node, "strides", [1, 1]);
  const dilations = intsAttr(node, "dilations", [1, 1]);
  const win = window(im, node, [h!, w!], [kh, kw], strides, dilations);
  if (win.extraPads) x = padFirst(im, node, x, win.extraPads);
  const bias = im.constant(node, 2);
  // A quantized (int32) bias stays integer for the int8 conv the quantization pass will form;
  // an absent one stays absent (-1, TFLite's optional input).
  const biasT = bias?.quant ? im.addInitializer(bias) : bias ? im.addConstant(bias.name, [o], im.floats(node, bias)) : -1;
  const y = im.define(node, 0, [n!, win.out[0], win.out[1], o], "nchw");
  const common = { padding: win.padding, strideW: strides[1]!, strideH: strides[0]!, fusedActivation: "NONE" as const, dilationWFactor: dilations[1]!, dilationHFactor: dilations[0]! };
  if (group === 1 && ig === c) {
    const wT = im.addInitializer(weights, [0, 2, 3, 1]); // OIHW -> OHWI
    im.addOp("CONV_2D", [x.tensor, wT, biasT], [y], { type: "Conv2DOptions", ...common, quantizedBiasType: "f32" });
  } else if (group === c && ig === 1 && o % c === 0) {
    const wT = im.addInitializer(weights, [1, 2, 3, 0]); // O1HW -> 1HWO
    im.addOp("DEPTHWISE_CONV_2D", [x.tensor, wT, biasT], [y], { type: "DepthwiseConv2DOptions", ...common, depthMultiplier: o / c });
  } else {
    im.unsupported(node, `group=${group} with ${c} input channels and weights [${weights.dims.join(", ")}]`, "grouped convs other than depthwise are not supported");
  }
};

function pool(kind: "MAX_POOL_2D" | "AVERAGE_POOL_2D"): ImportRule {
  return (im, node) => {
    const x = im.value(node, 0);
    const [n, h, w, c] = require4dNchw(im, node, x);
    const kernel = intsAttr(node, "kernel_shape", []);
    if (kernel.length !== 2) im.unsupported(node, "needs a 2-D kernel_shape");
    const strides = intsAttr(node, "strides", [1, 1]);
    const win = window(im, node, [h!, w!], kernel, strides, [1, 1]);
    if (win.extraPads) im.unsupported(node, `pads [${intsAttr(node, "pads", []).join(", ")}] are neither SAME nor VALID`);
    if (kind === "AVERAGE_POOL_2D" && win.padding === "SAME" && intAttr(node, "count_include_pad", 0) !== 0) {
      im.unsupported(node, "count_include_pad=1 with padding (TFLite averages over valid pixels only)");
    }
    const y = im.define(node, 0, [n!, win.out[0], win.out[1], c!], "nchw");
    im.addOp(kind, [x.tensor], [y], { type: "Pool2DOptions", padding: win.padding, strideW: strides[1]!, strideH: strides[0]!, filterWidth: kernel[1]!, filterHeight: kernel[0]!, fusedActivation: "NONE" });
  };
}

const globalAveragePool: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const [n, , , c] = require4dNchw(im, node, x);
  const axes = im.addConstant(`${node.name}_axes`, [2], [1, 2], "i32");
  const y = im.define(node, 0, [n!, 1, 1, c!], "nchw");
  im.addOp("MEAN", [x.tensor, axes], [y], { type: "ReducerOptions", keepDims: true });
};

/** Elementwise unary ops keep shape and layout. */
function unary(kind: string): ImportRule {
  return (im, node) => {
    const x = im.value(node, 0);
    const y = im.define(node, 0, [...im.tensors[x.tensor]!.shape], x.layout);
    im.addOp(kind, [x.tensor], [y], { type: kind === "HARD_SWISH" ? "HardSwishOptions" : "None" });
  };
}

const clip: ImportRule = (im, node) => {
  const lo = im.constant(node, 1);
  const hi = im.constant(node, 2);
  const min = lo ? im.floats(node, lo)[0]! : floatAttr(node, "min", -Infinity);
  const max = hi ? im.floats(node, hi)[0]! : floatAttr(node, "max", Infinity);
  const kind = min === 0 && max === 6 ? "RELU6" : min === -1 && max === 1 ? "RELU_N1_TO_1" : min === 0 && max === Infinity ? "RELU" : "";
  if (!kind) im.unsupported(node, `Clip(${min}, ${max}) has no TFLite equivalent`, "the importer maps Clip(0,6), Clip(-1,1) and Clip(0,inf)");
  unary(kind)(im, { ...node, inputs: node.inputs.slice(0, 1) });
};

/** A constant operand of a binary op, in the IR layout of the activation it meets. */
function operandConstant(im: Importer, node: OnnxNode, k: number, against: ImportValue): number {
  const c = im.constant(node, k)!;
  const values = im.floats(node, c);
  const count = values.length;
  if (count === 1) return im.addConstant(c.name, [1], values);
  const rank = im.tensors[against.tensor]!.shape.length;
  const channels = against.layout === "nchw" ? im.tensors[against.tensor]!.shape[3]! : im.tensors[against.tensor]!.shape[rank - 1]!;
  // Per-channel: ONNX [C,1,1] / [1,C,1,1] against NCHW, or [C] against a plain tensor's last axis.
  const dims = c.dims.filter((d) => d !== 1);
  if (dims.length === 1 && dims[0] === channels) {
    const channelAxis = against.layout === "nchw" ? c.dims.length - 3 : c.dims.length - 1;
    if (c.dims[channelAxis] === channels) return im.addConstant(c.name, [channels], values);
  }
  if (against.layout === "plain") return im.addInitializer({ ...c, raw: new Uint8Array(values.buffer), dtype: "f32" });
  im.unsupported(node, `constant operand of dims [${c.dims.join(", ")}] does not broadcast per channel`);
}

function binary(kind: "ADD" | "SUB" | "MUL"): ImportRule {
  return (im, node) => {
    const isConst = (k: number) => im.constants.has(node.inputs[k] ?? "");
    if (isConst(0) && isConst(1)) im.unsupported(node, "both operands are constants", "fold constants before importing");
    const act = isConst(0) ? im.value(node, 1) : im.value(node, 0);
    const operand = (k: number): number => {
      if (isConst(k)) return operandConstant(im, node, k, act);
      const v = im.value(node, k);
      if (v.layout !== act.layout) im.unsupported(node, "operands are in different layouts");
      return v.tensor;
    };
    const a = operand(0);
    const b = operand(1);
    const shape = broadcastShapes(im.tensors[a]!.shape, im.tensors[b]!.shape, `${node.opType} node "${node.name}"`);
    const y = im.define(node, 0, shape, act.layout);
    const none: FusedActivation = "NONE";
    const options: OpOptions =
      kind === "MUL"
        ? { type: "MulOptions", fusedActivation: none }
        : { type: kind === "ADD" ? "AddOptions" : "SubOptions", fusedActivation: none, potScaleInt16: true };
    im.addOp(kind, [a, b], [y], options);
  };
}

/** Inference batch norm as a per-channel multiply and add. */
const batchNorm: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const shape = im.tensors[x.tensor]!.shape;
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((k) => im.floats(node, im.constant(node, k) ?? im.unsupported(node, `needs input ${k}`)));
  const eps = floatAttr(node, "epsilon", 1e-5);
  const c = scale!.length;
  if (shape[shape.length - 1] !== c || (x.layout === "plain" && shape.length !== 2)) im.unsupported(node, `${c} channels do not match the input`);
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    a[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
    b[i] = bias![i]! - mean![i]! * a[i]!;
  }
  const mid = im.addTensor(`${node.name}_scaled`, [...shape]);
  im.addOp("MUL", [x.tensor, im.addConstant(`${node.name}_a`, [c], a)], [mid], { type: "MulOptions", fusedActivation: "NONE" });
  const y = im.define(node, 0, [...shape], x.layout);
  im.addOp("ADD", [mid, im.addConstant(`${node.name}_b`, [c], b)], [y], { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: true });
};

/** Reshape to a logical shape; NCHW data reshapes without a transpose only when H = W = 1. */
function reshapeTo(im: Importer, node: OnnxNode, x: ImportValue, target: number[]): void {
  if (x.layout === "nchw") {
    const [, h, w] = im.tensors[x.tensor]!.shape;
    if (h !== 1 || w !== 1) im.unsupported(node, "reshapes an NCHW tensor with H, W > 1 (needs a transpose)", "flatten after global pooling, or export the model in NHWC");
  }
  const y = im.define(node, 0, target, "plain");
  im.inheritType(y, x.tensor);
  im.addOp("RESHAPE", [x.tensor], [y], { type: "ReshapeOptions", newShape: target });
}

const flatten: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const shape = im.logicalShape(x);
  const axis = intAttr(node, "axis", 1);
  const a = axis < 0 ? axis + shape.length : axis;
  const lead = shape.slice(0, a).reduce((p, q) => p * q, 1);
  reshapeTo(im, node, x, [lead, shape.slice(a).reduce((p, q) => p * q, 1)]);
};

const reshape: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const shape = im.logicalShape(x);
  const spec = Array.from(im.floats(node, im.constant(node, 1)!));
  const total = shape.reduce((a, b) => a * b, 1);
  const target = spec.map((d, i) => (d === 0 ? shape[i]! : d));
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = target.map((d) => (d === -1 ? total / known : d));
  if (resolved.some((d) => !Number.isInteger(d) || d < 0) || resolved.reduce((a, b) => a * b, 1) !== total) {
    im.unsupported(node, `cannot reshape [${shape.join(", ")}] to [${spec.join(", ")}]`);
  }
  reshapeTo(im, node, x, resolved);
};

/** Transposes between NCHW and NHWC are re-labellings of the same IR tensor. */
const transpose: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const rank = im.tensors[x.tensor]!.shape.length;
  const perm = intsAttr(node, "perm", Array.from({ length: rank }, (_, i) => rank - 1 - i)).join(",");
  if (perm === Array.from({ length: rank }, (_, i) => i).join(",")) return im.alias(node, x);
  if (x.layout === "nchw" && perm === "0,2,3,1") return im.alias(node, { tensor: x.tensor, layout: "plain" });
  if (x.layout === "plain" && rank === 4 && perm === "0,3,1,2") return im.alias(node, { tensor: x.tensor, layout: "nchw" });
  im.unsupported(node, `perm [${perm}] on a ${x.layout} tensor`, "only NCHW<->NHWC transposes are supported");
};

const identity: ImportRule = (im, node) => im.alias(node, im.value(node, 0));

/** Gemm / MatMul with constant weights -> FULLY_CONNECTED (weights [units, depth]). */
function fullyConnected(gemm: boolean): ImportRule {
  return (im, node) => {
    const x = im.value(node, 0);
    const xs = im.logicalShape(x);
    if (xs.length !== 2 || x.layout !== "plain") im.unsupported(node, `input of shape [${xs.join(", ")}] is not a 2-D matrix`, "flatten the input first");
    if (gemm && intAttr(node, "transA", 0) !== 0) im.unsupported(node, "transA=1 is not supported");
    const w = im.constant(node, 1)!;
    if (w.dims.length !== 2) im.unsupported(node, `weights have dims [${w.dims.join(", ")}]`);
    const transB = gemm ? intAttr(node, "transB", 0) : 0;
    const [units, depth] = transB ? [w.dims[0]!, w.dims[1]!] : [w.dims[1]!, w.dims[0]!];
    if (depth !== xs[1]) im.unsupported(node, `weights [${w.dims.join(", ")}] do not match input depth ${xs[1]}`);
    const alpha = gemm ? floatAttr(node, "alpha", 1) : 1;
    const beta = gemm ? floatAttr(node, "beta", 1) : 1;
    const c0 = gemm ? im.constant(node, 2) : undefined;
    if (w.quant && alpha === 1 && beta === 1 && (!c0 || c0.quant)) {
      // Quantized weights (and int32 bias) stay integer, [units, depth] as TFLite stores them.
      const y = im.define(node, 0, [xs[0]!, units], "plain");
      const weights = transB ? im.addInitializer(w) : im.addInitializer(w, [1, 0]);
      const inputs = [x.tensor, weights];
      if (c0) inputs.push(im.addInitializer(c0));
      im.addOp("FULLY_CONNECTED", inputs, [y], {
        type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32",
      });
      return;
    }
    const wf = im.floats(node, w).map((v) => v * alpha);
    const wT = transB ? Float32Array.from(wf) : Float32Array.from({ length: wf.length }, (_, i) => wf[(i % depth) * units + Math.floor(i / depth)]!);
    const c = gemm ? im.constant(node, 2) : undefined;
    let bias = new Float32Array(units);
    if (c) {
      const cv = im.floats(node, c);
      if (cv.length !== 1 && cv.length !== units) im.unsupported(node, `bias of ${cv.length} values for ${units} units`);
      bias = Float32Array.from({ length: units }, (_, i) => beta * cv[cv.length === 1 ? 0 : i]!);
    }
    const y = im.define(node, 0, [xs[0]!, units], "plain");
    const weights = im.addConstant(`${w.name}_oi`, [units, depth], wT);
    im.addOp("FULLY_CONNECTED", [x.tensor, weights, im.addConstant(`${node.name}_bias`, [units], bias)], [y], {
      type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32",
    });
  };
}

function softmax(opset: number): ImportRule {
  return (im, node) => {
    const x = im.value(node, 0);
    const shape = im.logicalShape(x);
    const axis = intAttr(node, "axis", opset >= 13 ? -1 : 1);
    const a = axis < 0 ? axis + shape.length : axis;
    if (x.layout !== "plain" || a !== shape.length - 1) im.unsupported(node, `softmax over axis ${axis} of [${shape.join(", ")}]`, "the importer supports softmax over the last axis");
    const y = im.define(node, 0, [...shape], "plain");
    im.addOp("SOFTMAX", [x.tensor], [y], { type: "SoftmaxOptions", beta: 1 });
  };
}

const concat: ImportRule = (im, node) => {
  const ins = node.inputs.map((_, k) => im.value(node, k));
  const layout = ins[0]!.layout;
  if (ins.some((v) => v.layout !== layout)) im.unsupported(node, "inputs are in different layouts");
  const rank = im.tensors[ins[0]!.tensor]!.shape.length;
  const axis = intAttr(node, "axis", 1);
  const a = axis < 0 ? axis + rank : axis;
  const irAxis = layout === "nchw" ? NCHW_TO_IR_AXIS[a]! : a;
  const shape = [...im.tensors[ins[0]!.tensor]!.shape];
  shape[irAxis] = ins.reduce((s, v) => s + im.tensors[v.tensor]!.shape[irAxis]!, 0);
  const y = im.define(node, 0, shape, layout);
  im.addOp("CONCATENATION", ins.map((v) => v.tensor), [y], { type: "ConcatenationOptions", axis: irAxis, fusedActivation: "NONE" });
};

const pad: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const shape = im.tensors[x.tensor]!.shape;
  const rank = shape.length;
  if (stringAttr(node, "mode", "constant") !== "constant") im.unsupported(node, "only constant padding is supported");
  const padsConst = im.constant(node, 1);
  const pads = padsConst ? Array.from(im.floats(node, padsConst)) : intsAttr(node, "pads", []);
  if (pads.length !== 2 * rank) im.unsupported(node, `${pads.length} pads for rank ${rank}`);
  // Quantized tensors pad with their zero point (real 0), as TFLite's PAD does.
  const value = im.constant(node, 2);
  const zero = im.tensors[x.tensor]!.quant?.zeroPoint[0] ?? 0;
  if (value && im.rawValues(node, value)[0] !== zero) im.unsupported(node, "pad values other than (real) zero are not supported");
  // ONNX pads are [begin of each logical axis..., end of each...]; IR paddings are [[begin, end] per IR axis].
  const logicalOf = (irAxis: number) => (x.layout === "nchw" ? NCHW_TO_IR_AXIS.indexOf(irAxis) : irAxis);
  const paddings = Array.from({ length: rank }, (_, d) => [pads[logicalOf(d)]!, pads[logicalOf(d) + rank]!]).flat();
  const y = im.define(node, 0, shape.map((s, d) => s + paddings[2 * d]! + paddings[2 * d + 1]!), x.layout);
  im.inheritType(y, x.tensor);
  im.addOp("PAD", [x.tensor, im.addConstant(`${node.name}_paddings`, [rank, 2], paddings, "i32")], [y], { type: "PadOptions" });
};

export function importRules(opset: number): Record<string, ImportRule> {
  return {
    ...quantRules(conv),
    Conv: conv,
    MaxPool: pool("MAX_POOL_2D"),
    AveragePool: pool("AVERAGE_POOL_2D"),
    GlobalAveragePool: globalAveragePool,
    Relu: unary("RELU"),
    Sigmoid: unary("LOGISTIC"),
    Tanh: unary("TANH"),
    HardSwish: unary("HARD_SWISH"),
    Clip: clip,
    Add: binary("ADD"),
    Sub: binary("SUB"),
    Mul: binary("MUL"),
    BatchNormalization: batchNorm,
    Flatten: flatten,
    Reshape: reshape,
    Transpose: transpose,
    Identity: identity,
    Dropout: identity,
    Gemm: fullyConnected(true),
    MatMul: fullyConnected(false),
    Softmax: softmax(opset),
    Concat: concat,
    Pad: pad,
  };
}
