/**
 * Single-op int8 and float graphs built in the IR, written with our .tflite writer, run by the TFLite
 * WASM interpreter and by our engine on the same random inputs: ops and configurations the golden models
 * do not exercise (strided/dilated/SAME convs, depth multipliers, ADD, MUL, PAD, MEAN, CONCATENATION,
 * HARD_SWISH, LOGISTIC, RELU, RELU6, MAX_POOL_2D, QUANTIZE, DEQUANTIZE) must agree within 1 LSB (TFLite's own optimized int8 kernels, e.g. LUT-based
 * LOGISTIC, are not always TFLite Micro's reference arithmetic), float within 1e-5 relative.
 */
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import type { Graph, OpOptions } from "../../src/graph/index.js";
import { writeTflite } from "../../src/graph/tflite/index.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { Rng } from "../../src/tensor/index.js";
import { randomInt8 } from "../kernels-int8/oracle.js";
import { q, singleOpGraph, type TensorDef } from "./graph-builder.js";

const i8 = (shape: number[], scale: number, zp: number): TensorDef => ({ shape, dtype: "i8", quant: q(scale, zp) });
const f32 = (shape: number[]): TensorDef => ({ shape, dtype: "f32" });
const none: OpOptions = { type: "None" };
const addOpts: OpOptions = { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false };

const constRng = new Rng(5);
const weights = (shape: number[], scales: number[], dim = 0): TensorDef => ({
  shape, dtype: "i8", quant: { scale: scales.map(Math.fround), zeroPoint: scales.map(() => 0), quantizedDimension: dim },
  data: randomInt8(constRng, shape.reduce((a, b) => a * b, 1), -127, 127),
});
const bias32 = (n: number): TensorDef => ({ shape: [n], dtype: "i32", data: Int32Array.from({ length: n }, () => constRng.int(4001) - 2000) });
const floats = (shape: number[]): TensorDef => ({ shape, dtype: "f32", data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => constRng.uniform() - 0.5) });
const channelScales = (n: number) => Array.from({ length: n }, (_, i) => 0.004 + 0.001 * (i % 5));
const conv = (padding: "SAME" | "VALID", stride: number, dilation: number, act: "NONE" | "RELU6"): OpOptions => ({
  type: "Conv2DOptions", padding, strideW: stride, strideH: stride, fusedActivation: act, dilationWFactor: dilation, dilationHFactor: dilation, quantizedBiasType: "f32",
});
const dw = (padding: "SAME" | "VALID", stride: number, dilation: number, mult: number): OpOptions => ({
  type: "DepthwiseConv2DOptions", padding, strideW: stride, strideH: stride, depthMultiplier: mult, fusedActivation: "RELU", dilationWFactor: dilation, dilationHFactor: dilation,
});

interface Case {
  name: string;
  graph: Graph;
  lsb: number;
}

const CASES: Case[] = [
  { name: "ADD int8, broadcast, RELU", graph: singleOpGraph("ADD", { ...addOpts, fusedActivation: "RELU" } as OpOptions, [i8([1, 4, 4, 8], 0.05, -3), i8([1, 1, 1, 8], 0.11, 7)], i8([1, 4, 4, 8], 0.09, -20)), lsb: 1 },
  { name: "MUL int8", graph: singleOpGraph("MUL", { type: "MulOptions", fusedActivation: "NONE" }, [i8([1, 4, 4, 8], 0.05, -3), i8([1, 4, 4, 8], 0.03, 12)], i8([1, 4, 4, 8], 0.02, 5)), lsb: 1 },
  {
    name: "PAD int8",
    graph: singleOpGraph("PAD", { type: "PadOptions" }, [i8([1, 3, 3, 2], 0.1, -9), { shape: [4, 2], dtype: "i32", data: Int32Array.from([0, 0, 1, 2, 2, 1, 0, 0]) }], i8([1, 6, 6, 2], 0.1, -9)),
    lsb: 0,
  },
  {
    name: "MEAN int8 over H, W",
    graph: singleOpGraph("MEAN", { type: "ReducerOptions", keepDims: true }, [i8([1, 5, 5, 6], 0.07, 4), { shape: [2], dtype: "i32", data: Int32Array.from([1, 2]) }], i8([1, 1, 1, 6], 0.02, -1)),
    lsb: 1,
  },
  {
    name: "CONCATENATION int8",
    graph: singleOpGraph("CONCATENATION", { type: "ConcatenationOptions", axis: 3, fusedActivation: "NONE" }, [i8([1, 2, 2, 3], 0.1, 2), i8([1, 2, 2, 5], 0.1, 2)], i8([1, 2, 2, 8], 0.1, 2)),
    lsb: 0,
  },
  { name: "HARD_SWISH int8", graph: singleOpGraph("HARD_SWISH", { type: "HardSwishOptions" }, [i8([1, 256], 0.06, 10)], i8([1, 256], 0.04, -30)), lsb: 1 },
  { name: "LOGISTIC int8", graph: singleOpGraph("LOGISTIC", none, [i8([1, 256], 0.08, -5)], i8([1, 256], 1 / 256, -128)), lsb: 1 },
  { name: "SOFTMAX int8", graph: singleOpGraph("SOFTMAX", { type: "SoftmaxOptions", beta: 1 }, [i8([4, 10], 0.15, 3)], i8([4, 10], 1 / 256, -128)), lsb: 1 },
  { name: "RELU int8", graph: singleOpGraph("RELU", none, [i8([1, 256], 0.05, 7)], i8([1, 256], 0.03, -128)), lsb: 1 },
  { name: "RELU6 int8", graph: singleOpGraph("RELU6", none, [i8([1, 256], 0.05, 7)], i8([1, 256], 0.05, 7)), lsb: 1 },
  {
    name: "MAX_POOL_2D int8 SAME",
    graph: singleOpGraph("MAX_POOL_2D", { type: "Pool2DOptions", padding: "SAME", strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3, fusedActivation: "NONE" }, [i8([1, 7, 7, 3], 0.1, 0)], i8([1, 4, 4, 3], 0.1, 0)),
    lsb: 0,
  },
  {
    name: "CONV_2D int8 SAME stride 2, RELU6",
    graph: singleOpGraph("CONV_2D", conv("SAME", 2, 1, "RELU6"), [i8([1, 9, 9, 5], 0.05, -7), weights([6, 3, 3, 5], channelScales(6)), bias32(6)], i8([1, 5, 5, 6], 0.04, -60)),
    lsb: 1,
  },
  {
    name: "CONV_2D int8 VALID dilation 2",
    graph: singleOpGraph("CONV_2D", conv("VALID", 1, 2, "NONE"), [i8([1, 8, 8, 3], 0.05, 3), weights([4, 3, 3, 3], channelScales(4)), bias32(4)], i8([1, 4, 4, 4], 0.08, 2)),
    lsb: 1,
  },
  {
    name: "DEPTHWISE_CONV_2D int8 multiplier 2",
    graph: singleOpGraph("DEPTHWISE_CONV_2D", dw("SAME", 1, 1, 2), [i8([1, 6, 6, 3], 0.05, -2), weights([1, 3, 3, 6], channelScales(6), 3), bias32(6)], i8([1, 6, 6, 6], 0.03, -100)),
    lsb: 1,
  },
  {
    name: "FULLY_CONNECTED int8",
    graph: singleOpGraph("FULLY_CONNECTED", { type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" },
      [i8([2, 20], 0.05, 5), weights([7, 20], [0.01]), bias32(7)], i8([2, 7], 0.1, -3)),
    lsb: 1,
  },
  {
    name: "AVERAGE_POOL_2D int8 SAME",
    graph: singleOpGraph("AVERAGE_POOL_2D", { type: "Pool2DOptions", padding: "SAME", strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3, fusedActivation: "NONE" }, [i8([1, 7, 7, 3], 0.1, 4)], i8([1, 4, 4, 3], 0.1, 4)),
    lsb: 1,
  },
  {
    name: "CONV_2D float SAME stride 2 dilation 1",
    graph: singleOpGraph("CONV_2D", conv("SAME", 2, 1, "NONE"), [f32([1, 9, 9, 4]), floats([5, 3, 3, 4]), floats([5])], f32([1, 5, 5, 5])),
    lsb: 0,
  },
  {
    name: "DEPTHWISE_CONV_2D float multiplier 2 dilation 2",
    graph: singleOpGraph("DEPTHWISE_CONV_2D", dw("VALID", 1, 2, 2), [f32([1, 7, 7, 2]), floats([1, 3, 3, 4]), floats([4])], f32([1, 3, 3, 4])),
    lsb: 0,
  },
  {
    name: "ADD float broadcast",
    graph: singleOpGraph("ADD", addOpts, [f32([1, 3, 3, 4]), f32([4])], f32([1, 3, 3, 4])),
    lsb: 0,
  },
  { name: "SOFTMAX float beta 0.5", graph: singleOpGraph("SOFTMAX", { type: "SoftmaxOptions", beta: 0.5 }, [f32([3, 9])], f32([3, 9])), lsb: 0 },
  { name: "DEQUANTIZE", graph: singleOpGraph("DEQUANTIZE", none, [i8([1, 64], 0.07, 9)], f32([1, 64])), lsb: 0 },
  { name: "QUANTIZE", graph: singleOpGraph("QUANTIZE", none, [f32([1, 64])], i8([1, 64], 0.02, -4)), lsb: 1 },
  { name: "HARD_SWISH float", graph: singleOpGraph("HARD_SWISH", { type: "HardSwishOptions" }, [f32([1, 64])], f32([1, 64])), lsb: 0 },
  { name: "LOGISTIC float", graph: singleOpGraph("LOGISTIC", none, [f32([1, 64])], f32([1, 64])), lsb: 0 },
  {
    name: "MEAN float",
    graph: singleOpGraph("MEAN", { type: "ReducerOptions", keepDims: false }, [f32([2, 3, 4]), { shape: [1], dtype: "i32", data: Int32Array.from([1]) }], f32([2, 4])),
    lsb: 0,
  },
];

function randomInputs(g: Graph, rng: Rng): (Int8Array | Float32Array)[] {
  return g.inputs.map((t) => {
    const tensor = g.tensors[t]!;
    const n = tensor.shape.reduce((a, b) => a * b, 1);
    return tensor.dtype === "i8" ? randomInt8(rng, n) : Float32Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * 5);
  });
}

describe("single ops vs the TFLite WASM interpreter", () => {
  it.skipIf(!tfliteInterpreterAvailable())("agree within the stated tolerance; exact-match rates are printed", async () => {
    const rng = new Rng(99);
    const report: string[] = [];
    for (const c of CASES) {
      const interp = await TfliteInterpreter.create(writeTflite(c.graph), { fileName: c.name });
      const model = prepareModel(c.graph);
      let differing = 0;
      let total = 0;
      for (let trial = 0; trial < 3; trial++) {
        const inputs = randomInputs(c.graph, rng);
        const want = interp.run(inputs)[0]!;
        const got = model.invoke(inputs).outputs[0]!;
        expect(got.length, c.name).toBe(want.length);
        for (let k = 0; k < want.length; k++) {
          const d = Math.abs(got[k]! - want[k]!);
          const tol = got instanceof Float32Array ? 1e-5 * Math.max(1, Math.abs(want[k]!)) : c.lsb;
          expect(d, `${c.name} element ${k}: ours ${got[k]} interpreter ${want[k]}`).toBeLessThanOrEqual(tol);
          if (d > 0) differing++;
        }
        total += want.length;
      }
      report.push(`${c.name}: ${differing}/${total} differ`);
      interp.dispose();
    }
    console.log(report.join("\n"));
  });
});
