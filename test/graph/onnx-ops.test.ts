/**
 * Each lowering in the ONNX export, on small single-op graphs with random inputs: onnxruntime's
 * result against our engine's (the TFLite-reference oracle). Float ops agree to 1e-5; int8 ops
 * run in onnxruntime's own integer kernels or in float between Q/DQ, so they may round
 * differently: within 2 LSB.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import type { Graph, GraphDType, GraphOp, GraphTensor, OpOptions, QuantParams } from "../../src/graph/index.js";
import { readOnnx, writeOnnx } from "../../src/graph/onnx/index.js";
import { Rng } from "../../src/tensor/index.js";

type Arr = Int8Array | Float32Array;
const ort = createRequire(import.meta.url)("onnxruntime-node") as {
  Tensor: new (type: string, data: Arr, dims: number[]) => { data: Arr };
  InferenceSession: { create(m: Uint8Array, o: object): Promise<{ inputNames: string[]; outputNames: string[]; run(f: object): Promise<Record<string, { data: Arr }>> }> };
};

interface Spec {
  /** An optional input left out (-1). */
  absent?: boolean;
  shape: number[];
  dtype?: GraphDType;
  quant?: [number, number];
  /** Constant values (as stored: ints for int8/int32). */
  values?: number[];
}

/** One op over fresh tensors: inputs (constants where `values` is given) then outputs. */
function single(kind: string, options: OpOptions, ins: Spec[], outs: Spec[]): Graph {
  const tensors: GraphTensor[] = [];
  const add = (s: Spec): number => {
    if (s.absent) return -1;
    const t: GraphTensor = { index: tensors.length, name: `t${tensors.length}`, shape: s.shape, dtype: s.dtype ?? "f32" };
    if (s.quant) t.quant = { scale: [s.quant[0]], zeroPoint: [s.quant[1]], quantizedDimension: 0 } satisfies QuantParams;
    if (s.values) {
      const dtype = t.dtype;
      const arr = dtype === "i8" ? Int8Array.from(s.values) : dtype === "i32" ? Int32Array.from(s.values) : Float32Array.from(s.values);
      t.data = new Uint8Array(arr.buffer);
    }
    tensors.push(t);
    return t.index;
  };
  const inputs = ins.map(add);
  const outputs = outs.map(add);
  const op: GraphOp = { index: 0, kind, version: 1, inputs, outputs, options };
  return { tensors, ops: [op], inputs: inputs.filter((i) => i >= 0 && !tensors[i]!.data), outputs, version: 3, metadata: [], signatures: [] };
}

function randomInput(t: GraphTensor, rng: Rng): Arr {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.dtype === "i8") return Int8Array.from({ length: n }, () => rng.int(256) - 128);
  return Float32Array.from({ length: n }, () => rng.range(-3, 3));
}

async function compare(graph: Graph, seed = 1): Promise<number> {
  const rng = new Rng(seed);
  const inputs = graph.inputs.map((i) => randomInput(graph.tensors[i]!, rng));
  const want = prepareModel(graph).invoke(inputs).outputs[0]!;
  const session = await ort.InferenceSession.create(writeOnnx(graph), { intraOpNumThreads: 1 });
  const feeds: Record<string, unknown> = {};
  graph.inputs.forEach((i, k) => {
    const t = graph.tensors[i]!;
    feeds[session.inputNames[k]!] = new ort.Tensor(t.dtype === "i8" ? "int8" : "float32", inputs[k]!, t.shape);
  });
  const got = (await session.run(feeds))[session.outputNames[0]!]!.data;
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst;
}

const NHWC = [1, 5, 5, 2];
const NO_BIAS: Spec = { absent: true, shape: [] };
const conv = (act: "NONE" | "RELU6", stride: number, padding: "SAME" | "VALID"): OpOptions => ({
  type: "Conv2DOptions", padding, strideW: stride, strideH: stride, fusedActivation: act, dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: "f32",
});
const pool = (k: number, s: number, padding: "SAME" | "VALID"): OpOptions => ({
  type: "Pool2DOptions", padding, strideW: s, strideH: s, filterWidth: k, filterHeight: k, fusedActivation: "NONE",
});
const weights = (n: number, rng: Rng, lo: number, hi: number) => Array.from({ length: n }, () => Math.round(rng.range(lo, hi)));

describe("ONNX lowering of float ops matches the engine", () => {
  const rng = new Rng(5);
  const cases: [string, Graph][] = [
    ["CONV_2D 3x3 /2 SAME RELU6", single("CONV_2D", conv("RELU6", 2, "SAME"), [{ shape: NHWC }, { shape: [4, 3, 3, 2], values: Array.from({ length: 72 }, () => rng.range(-1, 1)) }, { shape: [4], values: [0.1, -0.2, 0.3, 0] }], [{ shape: [1, 3, 3, 4] }])],
    ["DEPTHWISE_CONV_2D 3x3 VALID", single("DEPTHWISE_CONV_2D", { type: "DepthwiseConv2DOptions", padding: "VALID", strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivation: "RELU", dilationWFactor: 1, dilationHFactor: 1 }, [{ shape: NHWC }, { shape: [1, 3, 3, 2], values: Array.from({ length: 18 }, () => rng.range(-1, 1)) }, NO_BIAS], [{ shape: [1, 3, 3, 2] }])],
    ["MAX_POOL_2D 2x2 /2 VALID", single("MAX_POOL_2D", pool(2, 2, "VALID"), [{ shape: NHWC }], [{ shape: [1, 2, 2, 2] }])],
    ["AVERAGE_POOL_2D 3x3 /1 SAME", single("AVERAGE_POOL_2D", pool(3, 1, "SAME"), [{ shape: NHWC }], [{ shape: NHWC }])],
    ["ADD 4-D + 4-D RELU", single("ADD", { type: "AddOptions", fusedActivation: "RELU", potScaleInt16: true }, [{ shape: NHWC }, { shape: NHWC }], [{ shape: NHWC }])],
    ["MUL 4-D * per-channel constant", single("MUL", { type: "MulOptions", fusedActivation: "NONE" }, [{ shape: NHWC }, { shape: [2], values: [2, -0.5] }], [{ shape: NHWC }])],
    ["MEAN over H, W keep dims", single("MEAN", { type: "ReducerOptions", keepDims: true }, [{ shape: NHWC }, { shape: [2], dtype: "i32", values: [1, 2] }], [{ shape: [1, 1, 1, 2] }])],
    ["PAD", single("PAD", { type: "PadOptions" }, [{ shape: NHWC }, { shape: [4, 2], dtype: "i32", values: [0, 0, 1, 1, 2, 0, 0, 0] }], [{ shape: [1, 7, 7, 2] }])],
    ["CONCATENATION axis 3", single("CONCATENATION", { type: "ConcatenationOptions", axis: 3, fusedActivation: "NONE" }, [{ shape: NHWC }, { shape: [1, 5, 5, 1] }], [{ shape: [1, 5, 5, 3] }])],
    ["FULLY_CONNECTED", single("FULLY_CONNECTED", { type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" }, [{ shape: [1, 6] }, { shape: [3, 6], values: Array.from({ length: 18 }, () => rng.range(-1, 1)) }, { shape: [3], values: [1, 2, 3] }], [{ shape: [1, 3] }])],
    ["SOFTMAX", single("SOFTMAX", { type: "SoftmaxOptions", beta: 1 }, [{ shape: [1, 10] }], [{ shape: [1, 10] }])],
    ["LOGISTIC", single("LOGISTIC", { type: "None" }, [{ shape: NHWC }], [{ shape: NHWC }])],
    ["HARD_SWISH", single("HARD_SWISH", { type: "HardSwishOptions" }, [{ shape: NHWC }], [{ shape: NHWC }])],
    ["RELU6", single("RELU6", { type: "None" }, [{ shape: NHWC }], [{ shape: NHWC }])],
  ];
  it.each(cases)("%s", async (_, graph) => {
    expect(await compare(graph)).toBeLessThan(1e-5);
  });
});

describe("ONNX lowering of int8 ops is within 2 LSB of the engine", () => {
  const rng = new Rng(9);
  const x = { shape: NHWC, dtype: "i8" as const, quant: [0.05, -3] as [number, number] };
  const cases: [string, Graph][] = [
    // Output scale 0.02: RELU6 clamps at 6/0.02 - 128 = 172 > 127, so use a coarser scale where it bites.
    ["CONV_2D RELU6 with an active clamp (QLinearConv, then clip)", single("CONV_2D", conv("RELU6", 1, "SAME"), [x, { shape: [3, 3, 3, 2], dtype: "i8", quant: [0.02, 0], values: weights(54, rng, -127, 127) }, { shape: [3], dtype: "i32", quant: [0.001, 0], values: [100, -50, 7] }], [{ shape: [1, 5, 5, 3], dtype: "i8", quant: [0.1, -128] }])],
    ["CONV_2D no activation (QLinearConv)", single("CONV_2D", conv("NONE", 2, "VALID"), [x, { shape: [3, 3, 3, 2], dtype: "i8", quant: [0.02, 0], values: weights(54, rng, -127, 127) }, NO_BIAS], [{ shape: [1, 2, 2, 3], dtype: "i8", quant: [0.08, 5] }])],
    ["ADD (QDQ)", single("ADD", { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: true }, [x, { ...x, quant: [0.03, 10] }], [{ shape: NHWC, dtype: "i8", quant: [0.07, 0] }])],
    ["AVERAGE_POOL_2D (QDQ)", single("AVERAGE_POOL_2D", pool(2, 1, "VALID"), [x], [{ shape: [1, 4, 4, 2], dtype: "i8", quant: [0.05, -3] }])],
    ["MAX_POOL_2D (QDQ)", single("MAX_POOL_2D", pool(2, 2, "SAME"), [x], [{ shape: [1, 3, 3, 2], dtype: "i8", quant: [0.05, -3] }])],
    ["LOGISTIC (QDQ)", single("LOGISTIC", { type: "None" }, [x], [{ shape: NHWC, dtype: "i8", quant: [1 / 256, -128] }])],
    ["PAD with the zero point", single("PAD", { type: "PadOptions" }, [x, { shape: [4, 2], dtype: "i32", values: [0, 0, 1, 0, 0, 2, 0, 0] }], [{ shape: [1, 6, 7, 2], dtype: "i8", quant: [0.05, -3] }])],
    ["RESHAPE", single("RESHAPE", { type: "ReshapeOptions", newShape: [1, 50] }, [x], [{ shape: [1, 50], dtype: "i8", quant: [0.05, -3] }])],
  ];
  it.each(cases)("%s", async (_, graph) => {
    expect(await compare(graph)).toBeLessThanOrEqual(2);
  });

  it.each(cases)("%s comes back through readOnnx as the same int8 op, bit-exact in the engine", (_, graph) => {
    const back = readOnnx(writeOnnx(graph), "op.onnx");
    expect(back.ops.map((o) => o.kind)).toEqual(graph.ops.map((o) => o.kind));
    const rng = new Rng(4);
    const inputs = graph.inputs.map((i) => randomInput(graph.tensors[i]!, rng));
    expect(Array.from(prepareModel(back).invoke(inputs).outputs[0]!)).toEqual(Array.from(prepareModel(graph).invoke(inputs).outputs[0]!));
  });

  it("QUANTIZE f32 -> int8 and DEQUANTIZE int8 -> f32", async () => {
    const q = single("QUANTIZE", { type: "QuantizeOptions" }, [{ shape: [1, 8] }], [{ shape: [1, 8], dtype: "i8", quant: [0.05, 3] }]);
    expect(await compare(q)).toBeLessThanOrEqual(1);
    const d = single("DEQUANTIZE", { type: "DequantizeOptions" }, [{ shape: [1, 8], dtype: "i8", quant: [0.05, 3] }], [{ shape: [1, 8] }]);
    expect(await compare(d)).toBeLessThan(1e-6);
  });
});
