/**
 * lowerModel: a trained nn model (eval mode) -> a float32 graph IR with batch 1, NHWC, as TFLite's
 * converter would emit it: BatchNorm folded into the conv/FC before it, ReLU/ReLU6 fused into that op's
 * fusedActivation, Flatten as RESHAPE, GlobalAvgPool as AVERAGE_POOL_2D + RESHAPE, Residual as ADD.
 * Containers are walked as layer-plan.ts describes; a layer with no graph equivalent is an UnsupportedError
 * naming it. Weighted layers' output tensors are named by the layer's dotted path (QAT finds its ranges so).
 */
import { UnsupportedError } from "../errors/index.js";
import type { FusedActivation, Graph } from "../graph/index.js";
import { AvgPool2d, BatchNorm2d, Conv2d, DepthwiseConv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, Module, ReLU, ReLU6, Residual } from "../nn/index.js";
import { foldBatchNorm } from "./fold-batchnorm.js";
import { GraphBuilder } from "./graph-builder.js";
import { planLayers, unitName } from "./layer-plan.js";
import { lowerPadding, outputSize } from "./padding.js";

interface Value {
  tensor: number;
  /** [1, h, w, c] or [1, n]. */
  shape: number[];
}

export interface LowerOptions {
  /** Description stored in the graph (TFLite keeps the converter's name there). */
  description?: string;
}

/** `inputShape` is one example's [height, width, channels] (or [features] for a model taking [N, F]). */
export function lowerModel(model: Module, inputShape: readonly number[], opts: LowerOptions = {}): Graph {
  const b = new GraphBuilder();
  const input: Value = { tensor: b.activation("input", [1, ...inputShape]), shape: [1, ...inputShape] };
  const out = lowerChain(b, [model], input);
  return b.build([input.tensor], [out.tensor], opts.description ?? "dietml lower");
}

function lowerChain(b: GraphBuilder, layers: readonly Module[], x: Value): Value {
  let v = x;
  for (const unit of planLayers(layers)) v = unit.kind === "weighted" ? lowerWeighted(b, unit.layer, unit.bn, unit.act, v) : lowerSimple(b, unit.module, v);
  return v;
}

function biasOf(m: Conv2d | DepthwiseConv2d | Linear, channels: number): Float32Array {
  return m.bias ? Float32Array.from(m.bias.values) : new Float32Array(channels);
}

function lowerWeighted(b: GraphBuilder, m: Conv2d | DepthwiseConv2d | Linear, bn: BatchNorm2d | null, act: FusedActivation, x: Value): Value {
  const name = unitName(m);
  const channels = m.weight.shape[m instanceof DepthwiseConv2d ? 3 : 0]!;
  let weight: Float32Array = Float32Array.from(m.weight.values);
  let bias: Float32Array = biasOf(m, channels);
  if (bn) ({ weight, bias } = foldBatchNorm(weight, bias, bn, m instanceof DepthwiseConv2d));
  const w = b.constF32(`${name}/weight`, [...m.weight.shape], weight);
  const bi = b.constF32(`${name}/bias`, [channels], bias);
  if (m instanceof Linear) {
    const flat = x.shape.length === 2 ? x : reshape(b, x, [1, x.shape.slice(1).reduce((p, d) => p * d, 1)], `${name}/flatten`);
    const shape = [1, channels];
    const y = b.activation(name, shape);
    b.op("FULLY_CONNECTED", { type: "FullyConnectedOptions", fusedActivation: act, weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" }, [flat.tensor, w, bi], [y]);
    return { tensor: y, shape };
  }
  if (m instanceof Conv2d && m.groups !== 1) {
    throw new UnsupportedError(`${m.label}: grouped convolution (groups=${m.groups}) has no TFLite builtin`, "use groups=1 or a DepthwiseConv2d");
  }
  const [, inH, inW] = x.shape as [number, number, number, number];
  const padding = lowerPadding(m.label, m.padding, inH, inW, m.kernel, m.stride, m.dilation);
  const shape = [1, outputSize(padding, inH, m.kernel[0], m.stride[0], m.dilation[0]), outputSize(padding, inW, m.kernel[1], m.stride[1], m.dilation[1]), channels];
  const y = b.activation(name, shape);
  const geometry = { padding, strideH: m.stride[0], strideW: m.stride[1], fusedActivation: act, dilationHFactor: m.dilation[0], dilationWFactor: m.dilation[1] };
  if (m instanceof DepthwiseConv2d) {
    b.op("DEPTHWISE_CONV_2D", { type: "DepthwiseConv2DOptions", ...geometry, depthMultiplier: channels / m.channels }, [x.tensor, w, bi], [y]);
  } else {
    b.op("CONV_2D", { type: "Conv2DOptions", ...geometry, quantizedBiasType: "f32" }, [x.tensor, w, bi], [y]);
  }
  return { tensor: y, shape };
}

function reshape(b: GraphBuilder, x: Value, shape: number[], name: string): Value {
  const shapeConst = b.constI32(`${name}/shape`, [shape.length], shape);
  const y = b.activation(name, shape);
  b.op("RESHAPE", { type: "ReshapeOptions", newShape: shape }, [x.tensor, shapeConst], [y]);
  return { tensor: y, shape };
}

function pool(b: GraphBuilder, kind: string, x: Value, name: string, kernel: readonly [number, number], stride: readonly [number, number], padding: "SAME" | "VALID"): Value {
  const [, inH, inW, c] = x.shape as [number, number, number, number];
  const shape = [1, outputSize(padding, inH, kernel[0], stride[0]), outputSize(padding, inW, kernel[1], stride[1]), c];
  const y = b.activation(name, shape);
  b.op(kind, { type: "Pool2DOptions", padding, strideH: stride[0], strideW: stride[1], filterHeight: kernel[0], filterWidth: kernel[1], fusedActivation: "NONE" }, [x.tensor], [y]);
  return { tensor: y, shape };
}

function lowerSimple(b: GraphBuilder, m: Module, x: Value): Value {
  const name = unitName(m);
  if (m instanceof ReLU || m instanceof ReLU6) {
    const y = b.activation(name, x.shape);
    b.op(m instanceof ReLU ? "RELU" : "RELU6", { type: "None" }, [x.tensor], [y]);
    return { tensor: y, shape: x.shape };
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
    const padding = lowerPadding(m.label, m.padding, x.shape[1]!, x.shape[2]!, m.kernel, m.stride);
    if (m instanceof AvgPool2d && padding === "SAME") {
      throw new UnsupportedError(`${m.label}: average pooling with SAME padding counts padded pixels differently in TFLite`, 'use padding "valid" for AvgPool2d');
    }
    return pool(b, m instanceof MaxPool2d ? "MAX_POOL_2D" : "AVERAGE_POOL_2D", x, name, m.kernel, m.stride, padding);
  }
  if (m instanceof GlobalAvgPool) {
    const [, h, w, c] = x.shape as [number, number, number, number];
    const pooled = pool(b, "AVERAGE_POOL_2D", x, `${name}/pool`, [h, w], [h, w], "VALID");
    return reshape(b, pooled, [1, c], name);
  }
  if (m instanceof Flatten) {
    if (x.shape.length === 2) return x;
    return reshape(b, x, [1, x.shape.slice(1).reduce((p, d) => p * d, 1)], name);
  }
  if (m instanceof Residual) {
    const body = lowerChain(b, [m.body], x);
    const skip = m.shortcut ? lowerChain(b, [m.shortcut], x) : x;
    const y = b.activation(name, body.shape);
    b.op("ADD", { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false }, [body.tensor, skip.tensor], [y]);
    return { tensor: y, shape: body.shape };
  }
  if (m instanceof BatchNorm2d) {
    throw new UnsupportedError(`${m.label} does not follow a conv or linear layer, so it cannot be folded`, "put each BatchNorm2d right after a Conv2d, DepthwiseConv2d or Linear");
  }
  throw new UnsupportedError(`${m.label}: no graph lowering for ${m.constructor.name}`, "lower models built from Conv2d, DepthwiseConv2d, Linear, BatchNorm2d, ReLU/ReLU6, pools, Flatten and Residual");
}
