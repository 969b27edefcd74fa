/**
 * ONNX import: a float model exported by writeOnnx comes back and runs in the engine with TFLite
 * Micro's golden outputs; a hand-built PyTorch-style NCHW model runs in the engine as onnxruntime
 * runs it; corrupt and unsupported files give typed errors.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { DietmlError, FileFormatError, UnsupportedError } from "../../src/errors/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { detectModelFormat, readModel, readTflite, summarizeGraph } from "../../src/graph/index.js";
import { readOnnx, writeOnnx } from "../../src/graph/onnx/index.js";
import { graphProto, modelProto, nodeProto, tensorProto, valueInfoProto, type AttributeValue } from "../../src/graph/onnx/onnx-proto.js";
import { Rng } from "../../src/tensor/index.js";
import { modelBytes } from "./models.js";
import { mutate } from "./mutate.js";

const GOLDEN = new URL("../../../shared/golden/", import.meta.url);
const ort = createRequire(import.meta.url)("onnxruntime-node") as {
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(m: Uint8Array, o: object): Promise<{ inputNames: string[]; outputNames: string[]; run(f: object): Promise<Record<string, { data: Float32Array }>> }> };
};

describe("writeOnnx -> readOnnx", () => {
  it("vww_96_float comes back as the same ops and matches TFLite Micro's golden outputs", () => {
    const original = readTflite(modelBytes("vww_96_float"), "vww_96_float");
    const imported = readOnnx(writeOnnx(original), "vww_96_float.onnx");
    // Same ops with the same options (fused activations re-fused). Padding is compared only where
    // SAME and VALID differ: a 1x1 conv or a pool covering its whole input pads nothing either way.
    expect(imported.ops.map((o) => o.kind)).toEqual(original.ops.map((o) => o.kind));
    let samePaddingChecked = 0;
    imported.ops.forEach((op, i) => {
      if (op.kind === "RESHAPE") return;
      const { padding, ...rest } = op.options as { padding?: string };
      const { padding: want, ...wantRest } = original.ops[i]!.options as { padding?: string };
      expect(rest).toEqual(wantRest);
      const kernel = original.tensors[original.ops[i]!.inputs[1] ?? -1]?.shape ?? [];
      if (op.kind.includes("CONV") && (kernel[1] ?? 1) > 1) {
        expect(padding).toBe(want);
        samePaddingChecked++;
      }
    });
    expect(samePaddingChecked).toBe(14);
    // Every tensor comes back but RESHAPE's shape input, which the import puts in its options.
    expect(imported.tensors.length).toBe(original.tensors.length - 1);
    expect(imported.tensors[imported.inputs[0]!]!.shape).toEqual([1, 96, 96, 3]);
    expect(summarizeGraph(imported).totals.macs).toBe(summarizeGraph(original).totals.macs);
    const model = prepareModel(imported);
    for (let n = 0; n < 3; n++) {
      const id = String(n).padStart(2, "0");
      const x = readFileSync(new URL(`vww_96_float/input_${id}.bin`, GOLDEN));
      const want = readFileSync(new URL(`vww_96_float/output_${id}.bin`, GOLDEN));
      const got = model.invoke([new Float32Array(x.buffer, x.byteOffset, x.length / 4)]).outputs[0]!;
      const ref = new Float32Array(want.buffer, want.byteOffset, want.length / 4);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-5 + 1e-5 * Math.abs(ref[i]!));
    }
  });
});

/** A small model the way PyTorch exports one: NCHW input, explicit pads, BatchNorm, Gemm(transB). */
function pytorchStyleModel(rng: Rng): Uint8Array {
  const f32 = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => rng.range(lo, hi));
  const init = (name: string, dims: number[], values: Float32Array) => tensorProto(name, "f32", dims, new Uint8Array(values.buffer));
  const initializers = [
    init("w1", [4, 3, 3, 3], f32(108)),
    init("b1", [4], f32(4)),
    init("bn_scale", [4], f32(4, 0.5, 1.5)),
    init("bn_bias", [4], f32(4)),
    init("bn_mean", [4], f32(4)),
    init("bn_var", [4], f32(4, 0.5, 2)),
    init("wdw", [4, 1, 3, 3], f32(36)),
    init("clip_lo", [], Float32Array.of(0)),
    init("clip_hi", [], Float32Array.of(6)),
    init("fc_w", [3, 4], f32(12)),
    init("fc_b", [3], f32(3)),
  ];
  const node = (op: string, ins: string[], outs: string[], attrs: Record<string, AttributeValue> = {}) => nodeProto(op, ins, outs, outs[0]!, attrs);
  const nodes = [
    node("Conv", ["x", "w1", "b1"], ["c1"], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
    node("BatchNormalization", ["c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"], { epsilon: { float: 1e-5 } }),
    node("Relu", ["bn"], ["r1"]),
    // stride 2 with symmetric pads: not TFLite SAME (which pads only after), so the importer adds a PAD
    node("Conv", ["r1", "wdw"], ["dw"], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], group: 4 }),
    node("Clip", ["dw", "clip_lo", "clip_hi"], ["r2"]),
    node("MaxPool", ["r2"], ["p"], { kernel_shape: [2, 2], strides: [2, 2] }),
    node("GlobalAveragePool", ["p"], ["g"]),
    node("Flatten", ["g"], ["flat"], { axis: 1 }),
    node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], { transB: 1 }),
    node("Softmax", ["logits"], ["y"], { axis: 1 }),
  ];
  const graph = graphProto({ name: "torch", nodes, initializers, inputs: [valueInfoProto("x", "f32", [1, 3, 8, 8])], outputs: [valueInfoProto("y", "f32", [1, 3])] });
  return modelProto(graph, { "": 13 }, "");
}

describe("importing a PyTorch-style NCHW model", () => {
  it("runs in the engine (NHWC input) as onnxruntime runs it (NCHW input)", async () => {
    const rng = new Rng(3);
    const bytes = pytorchStyleModel(rng);
    const graph = readOnnx(bytes, "torch.onnx");
    // BatchNorm becomes MUL + ADD; Relu and Clip(0,6) fold into the ops before them.
    expect(graph.ops.map((o) => o.kind)).toEqual([
      "CONV_2D", "MUL", "ADD", "PAD", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "MEAN", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX",
    ]);
    expect(graph.ops[2]!.options).toMatchObject({ type: "AddOptions", fusedActivation: "RELU" });
    expect(graph.ops[4]!.options).toMatchObject({ type: "DepthwiseConv2DOptions", padding: "VALID", strideW: 2, fusedActivation: "RELU6" });
    expect(graph.tensors[graph.inputs[0]!]!.shape).toEqual([1, 8, 8, 3]);
    const session = await ort.InferenceSession.create(bytes, {});
    const model = prepareModel(graph);
    for (let trial = 0; trial < 3; trial++) {
      const nchw = Float32Array.from({ length: 3 * 64 }, () => rng.range(-2, 2));
      const nhwc = new Float32Array(nchw.length);
      for (let c = 0; c < 3; c++) for (let p = 0; p < 64; p++) nhwc[p * 3 + c] = nchw[c * 64 + p]!;
      const want = (await session.run({ x: new ort.Tensor("float32", nchw, [1, 3, 8, 8]) })).y!.data;
      const got = model.invoke([nhwc]).outputs[0]!;
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    }
  });
});

describe("ONNX import errors", () => {
  it("names unsupported ops and lists the supported ones", () => {
    const graph = graphProto({
      name: "g",
      nodes: [nodeProto("LSTM", ["x"], ["y"], "lstm")],
      initializers: [],
      inputs: [valueInfoProto("x", "f32", [1, 4])],
      outputs: [valueInfoProto("y", "f32", [1, 4])],
    });
    const bytes = modelProto(graph, { "": 13 }, "");
    expect(() => readOnnx(bytes, "m.onnx")).toThrow(UnsupportedError);
    expect(() => readOnnx(bytes, "m.onnx")).toThrow(/ONNX op LSTM .* not supported/);
  });

  it("rejects empty, truncated and garbage files with FileFormatError", () => {
    expect(() => readOnnx(new Uint8Array(0), "e.onnx")).toThrow(FileFormatError);
    const good = pytorchStyleModel(new Rng(1));
    expect(() => readOnnx(good.subarray(0, good.length - 7), "t.onnx")).toThrow(FileFormatError);
    expect(() => readOnnx(new TextEncoder().encode("this is not a model"), "g.onnx")).toThrow(DietmlError);
  });

  it("fuzz: 1,500 mutants of a float and a quantized ONNX model give a graph or a DietmlError, never a crash", () => {
    const rng = new Rng(21);
    const models = [pytorchStyleModel(new Rng(2)), writeOnnx(readTflite(modelBytes("kws_ref_model")))];
    const failures: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const model = models[i % 2]!;
      const everywhere = Int32Array.from({ length: Math.min(model.length, 4096) }, () => rng.int(model.length));
      const m = mutate(model, everywhere, rng);
      try {
        const g = readOnnx(m.bytes, "fuzz.onnx");
        accepted++;
        const compiled = prepareModel(g);
        compiled.invoke(compiled.inputTensors.map((t) => new Array<number>(t.shape.reduce((a, b) => a * b, 1)).fill(0)));
      } catch (e) {
        if (!(e instanceof DietmlError)) failures.push(`${m.how}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(accepted).toBeGreaterThan(10);
  });
});

describe("readModel", () => {
  it("picks the reader from the bytes", () => {
    const tflite = modelBytes("kws_ref_model_float32");
    const onnx = writeOnnx(readTflite(tflite));
    expect(detectModelFormat(tflite, "a.bin")).toBe("tflite");
    expect(detectModelFormat(onnx, "a.bin")).toBe("onnx");
    expect(readModel(onnx, "m.onnx").ops.length).toBe(readModel(tflite, "m.tflite").ops.length);
    expect(() => readModel(new TextEncoder().encode("PK\u0003\u0004zip"), "m.zip")).toThrow(/neither a TFLite model .* nor an ONNX model/);
    expect(() => readModel(new Uint8Array(0), "e")).toThrow(FileFormatError);
  });
});

describe("quantized ONNX import (QDQ and QLinearConv)", () => {
  it.each(["vww_96_int8", "kws_ref_model"])("%s: writeOnnx -> readOnnx gives back the int8 graph, bit-exact with TFLite Micro", (name) => {
    const original = readTflite(modelBytes(name), name);
    const imported = readOnnx(writeOnnx(original), `${name}.onnx`);
    expect(imported.ops.map((o) => o.kind)).toEqual(original.ops.map((o) => o.kind));
    imported.tensors.forEach((t) => {
      if (!t.data) expect(t.dtype).toBe("i8");
    });
    const model = prepareModel(imported);
    for (let n = 0; n < 5; n++) {
      const id = String(n).padStart(2, "0");
      const x = readFileSync(new URL(`${name}/input_${id}.bin`, GOLDEN));
      const want = readFileSync(new URL(`${name}/output_${id}.bin`, GOLDEN));
      const got = model.invoke([new Int8Array(x.buffer, x.byteOffset, x.length)]).outputs[0]!;
      expect(Array.from(got)).toEqual(Array.from(new Int8Array(want.buffer, want.byteOffset, want.length)));
    }
  });
});

/**
 * A QDQ model laid out the way onnxruntime's quantizer writes one: uint8 activations, per-channel
 * int8 conv weights and an int32 bias behind DequantizeLinear, QDQ around Add and Relu folded.
 */
function qdqModel(rng: Rng): Uint8Array {
  const [sx, sw, sy] = [0.04, [0.01, 0.02], 0.05];
  const i8 = (n: number) => Int8Array.from({ length: n }, () => rng.int(255) - 127);
  const raw = (a: Int8Array | Int32Array | Uint8Array | Float32Array) => new Uint8Array(a.buffer);
  const initializers = [
    tensorProto("x_s", "f32", [], raw(Float32Array.of(sx))),
    tensorProto("x_z", "u8", [], Uint8Array.of(120)),
    tensorProto("w_q", "i8", [2, 3, 3, 3], raw(i8(54))),
    tensorProto("w_s", "f32", [2], raw(Float32Array.from(sw))),
    tensorProto("w_z", "i8", [2], raw(new Int8Array(2))),
    tensorProto("b_q", "i32", [2], raw(Int32Array.of(500, -300))),
    tensorProto("b_s", "f32", [2], raw(Float32Array.from(sw.map((s) => s * sx)))),
    tensorProto("b_z", "i32", [2], raw(new Int32Array(2))),
    tensorProto("y_s", "f32", [], raw(Float32Array.of(sy))),
    tensorProto("y_z", "u8", [], Uint8Array.of(0)),
    tensorProto("z_s", "f32", [], raw(Float32Array.of(0.08))),
    tensorProto("z_z", "u8", [], Uint8Array.of(10)),
  ];
  const n = (op: string, ins: string[], out: string, attrs: Record<string, AttributeValue> = {}) => nodeProto(op, ins, [out], out, attrs);
  const nodes = [
    n("QuantizeLinear", ["x", "x_s", "x_z"], "xq"),
    n("DequantizeLinear", ["xq", "x_s", "x_z"], "xf"),
    n("DequantizeLinear", ["w_q", "w_s", "w_z"], "wf", { axis: 0 }),
    n("DequantizeLinear", ["b_q", "b_s", "b_z"], "bf", { axis: 0 }),
    n("Conv", ["xf", "wf", "bf"], "c", { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    n("Relu", ["c"], "r"),
    n("QuantizeLinear", ["r", "y_s", "y_z"], "rq"),
    n("DequantizeLinear", ["rq", "y_s", "y_z"], "rf"),
    n("Add", ["rf", "rf"], "a"),
    n("QuantizeLinear", ["a", "z_s", "z_z"], "aq"),
    n("DequantizeLinear", ["aq", "z_s", "z_z"], "y"),
  ];
  const graph = graphProto({ name: "qdq", nodes, initializers, inputs: [valueInfoProto("x", "f32", [1, 3, 6, 6])], outputs: [valueInfoProto("y", "f32", [1, 2, 6, 6])] });
  return modelProto(graph, { "": 13 }, "");
}

describe("importing an onnxruntime-style QDQ model", () => {
  it("folds into QUANTIZE, int8 CONV_2D (RELU), int8 ADD, DEQUANTIZE and runs within 1 LSB of onnxruntime", async () => {
    const rng = new Rng(8);
    const bytes = qdqModel(rng);
    const graph = readOnnx(bytes, "qdq.onnx");
    expect(graph.ops.map((o) => o.kind)).toEqual(["QUANTIZE", "CONV_2D", "ADD", "DEQUANTIZE"]);
    const conv = graph.ops[1]!;
    expect(conv.options).toMatchObject({ fusedActivation: "RELU", padding: "SAME" });
    expect(graph.tensors[conv.inputs[1]!]!.quant!.scale.length).toBe(2);
    expect(graph.tensors[conv.inputs[2]!]!.dtype).toBe("i32");
    expect(graph.tensors[conv.outputs[0]!]!).toMatchObject({ dtype: "i8", quant: { zeroPoint: [-128] } });
    const session = await ort.InferenceSession.create(bytes, {});
    const model = prepareModel(graph);
    const nchw = Float32Array.from({ length: 3 * 36 }, () => rng.range(-4, 4));
    const nhwc = new Float32Array(nchw.length);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 36; p++) nhwc[p * 3 + c] = nchw[c * 36 + p]!;
    const want = (await session.run({ x: new ort.Tensor("float32", nchw, [1, 3, 6, 6]) })).y!.data;
    const got = model.invoke([nhwc]).outputs[0]!;
    let worst = 0;
    for (let c = 0; c < 2; c++) for (let p = 0; p < 36; p++) worst = Math.max(worst, Math.abs(got[p * 2 + c]! - want[c * 36 + p]!));
    expect(worst).toBeLessThanOrEqual(0.08 + 1e-6); // one output step (scale 0.08)
  });
});

describe("ONNX reader limits", () => {
  it("refuses a message with millions of tiny fields instead of exhausting memory", () => {
    const forged = new Uint8Array(2_200_000).fill(0x28); // 0x28 0x28: field 5 (model_version) = 40, over and over
    expect(() => readOnnx(forged, "forged.onnx")).toThrow(/more than 1000000 fields/);
  });
});
