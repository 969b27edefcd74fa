/**
 * Turns each op of an int8 graph into a layer the C generator can specialize: the reference kernels' own
 * prepare functions compute the quantization constants (per-channel multipliers/shifts, clamps, softmax
 * scaling), so the generated C inherits TFLite's semantics from the same code the engine runs.
 */
import { UnsupportedError } from "../errors/index.js";
import { constantAsInt32, constantAsInt8, optionsOf, type Graph, type GraphOp, type GraphTensor } from "../graph/index.js";
import { prepareAddInt8, type AddInt8Params } from "../kernels/int8/add.js";
import { prepareAveragePoolInt8, type PoolInt8Params } from "../kernels/int8/average-pool.js";
import { prepareConv2dInt8, type Conv2dInt8Params, type ConvSpec } from "../kernels/int8/conv2d.js";
import { prepareDepthwiseConv2dInt8, type DepthwiseConv2dInt8Params } from "../kernels/int8/depthwise-conv2d.js";
import { prepareFullyConnectedInt8, type FullyConnectedInt8Params } from "../kernels/int8/fully-connected.js";
import { prepareMaxPoolInt8 } from "../kernels/int8/max-pool.js";
import { prepareSoftmaxInt8, type SoftmaxInt8Params } from "../kernels/int8/softmax.js";
import { elementCountOf } from "../kernels/int8/shape-checks.js";

interface Base {
  op: number;
  input: number;
  output: number;
}

export type Layer =
  | (Base & { kind: "conv"; p: Conv2dInt8Params; weights: Int8Array; bias: Int32Array | null })
  | (Base & { kind: "depthwise"; p: DepthwiseConv2dInt8Params; weights: Int8Array; bias: Int32Array | null })
  | (Base & { kind: "avgpool" | "maxpool"; p: PoolInt8Params })
  | (Base & { kind: "fc"; p: FullyConnectedInt8Params; weights: Int8Array; bias: Int32Array | null })
  | (Base & { kind: "softmax"; p: SoftmaxInt8Params })
  | (Base & { kind: "add"; p: AddInt8Params; input2: number })
  | (Base & { kind: "reshape"; bytes: number });

export const C_SUPPORTED_OPS = "CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, FULLY_CONNECTED, SOFTMAX, ADD (same shapes), RESHAPE";

function requireInt8(op: GraphOp, t: GraphTensor, role: string): void {
  if (t.dtype !== "i8") {
    throw new UnsupportedError(
      `op ${op.index} (${op.kind}): ${role} tensor "${t.name}" is ${t.dtype}; the C generator emits int8 kernels only`,
      "quantize the model fully to int8 (activations and weights) before deploying",
    );
  }
}

function convSpec(graph: Graph, op: GraphOp): ConvSpec {
  const o = op.kind === "CONV_2D" ? optionsOf(op, "Conv2DOptions") : optionsOf(op, "DepthwiseConv2DOptions");
  const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? graph.tensors[op.inputs[2]]! : null;
  return {
    inputShape: graph.tensors[op.inputs[0]!]!.shape,
    filterShape: graph.tensors[op.inputs[1]!]!.shape,
    biasShape: bias ? bias.shape : null,
    outputShape: graph.tensors[op.outputs[0]!]!.shape,
    padding: o.padding,
    strideH: o.strideH,
    strideW: o.strideW,
    dilationH: o.dilationHFactor,
    dilationW: o.dilationWFactor,
    activation: o.fusedActivation,
  };
}

function weightsOf(graph: Graph, op: GraphOp): { weights: Int8Array; bias: Int32Array | null } {
  const w = graph.tensors[op.inputs[1]!]!;
  requireInt8(op, w, "weights");
  const b = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? graph.tensors[op.inputs[2]]! : null;
  return { weights: constantAsInt8(w), bias: b ? constantAsInt32(b) : null };
}

function layerOf(graph: Graph, op: GraphOp): Layer {
  const input = graph.tensors[op.inputs[0]!]!;
  const output = graph.tensors[op.outputs[0]!]!;
  requireInt8(op, input, "input");
  requireInt8(op, output, "output");
  const base = { op: op.index, input: input.index, output: output.index };
  const q = { input: input.quant, filter: op.inputs[1] !== undefined && op.inputs[1] >= 0 ? graph.tensors[op.inputs[1]]!.quant : undefined, output: output.quant };
  switch (op.kind) {
    case "CONV_2D":
      return { ...base, kind: "conv", p: prepareConv2dInt8(convSpec(graph, op), q), ...weightsOf(graph, op) };
    case "DEPTHWISE_CONV_2D": {
      const o = optionsOf(op, "DepthwiseConv2DOptions");
      return { ...base, kind: "depthwise", p: prepareDepthwiseConv2dInt8({ ...convSpec(graph, op), depthMultiplier: o.depthMultiplier }, q), ...weightsOf(graph, op) };
    }
    case "AVERAGE_POOL_2D":
    case "MAX_POOL_2D": {
      const o = optionsOf(op, "Pool2DOptions");
      const spec = { inputShape: input.shape, outputShape: output.shape, padding: o.padding, strideH: o.strideH, strideW: o.strideW, filterH: o.filterHeight, filterW: o.filterWidth, activation: o.fusedActivation };
      const avg = op.kind === "AVERAGE_POOL_2D";
      return { ...base, kind: avg ? "avgpool" : "maxpool", p: (avg ? prepareAveragePoolInt8 : prepareMaxPoolInt8)(spec, input.quant, output.quant) };
    }
    case "FULLY_CONNECTED": {
      const o = optionsOf(op, "FullyConnectedOptions");
      const w = graph.tensors[op.inputs[1]!]!;
      const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? graph.tensors[op.inputs[2]]! : null;
      const p = prepareFullyConnectedInt8({ inputShape: input.shape, filterShape: w.shape, biasShape: bias ? bias.shape : null, outputShape: output.shape, activation: o.fusedActivation }, q);
      return { ...base, kind: "fc", p, ...weightsOf(graph, op) };
    }
    case "SOFTMAX": {
      const o = optionsOf(op, "SoftmaxOptions");
      return { ...base, kind: "softmax", p: prepareSoftmaxInt8({ inputShape: input.shape, outputShape: output.shape, beta: o.beta }, input.quant, output.quant) };
    }
    case "ADD": {
      const b = graph.tensors[op.inputs[1]!]!;
      requireInt8(op, b, "second input");
      const o = optionsOf(op, "AddOptions");
      const p = prepareAddInt8({ inputShapeA: input.shape, inputShapeB: b.shape, outputShape: output.shape, activation: o.fusedActivation }, { a: input.quant, b: b.quant, output: output.quant });
      if (!p.broadcast.same) {
        throw new UnsupportedError(`op ${op.index} (ADD): broadcasting ADD is not supported by the C generator`, "give both inputs the output's shape");
      }
      return { ...base, kind: "add", p, input2: b.index };
    }
    case "RESHAPE":
      return { ...base, kind: "reshape", bytes: elementCountOf(output.shape) };
    default:
      throw new UnsupportedError(`op ${op.index} (${op.kind}) is not supported by the C generator`, `supported ops: ${C_SUPPORTED_OPS}`);
  }
}

/** One layer per op, in execution order; throws a typed error naming the first op it cannot emit. */
export function layersOf(graph: Graph): Layer[] {
  return graph.ops.map((op) => layerOf(graph, op));
}
