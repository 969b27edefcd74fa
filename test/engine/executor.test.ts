import { describe, expect, it } from "vitest";
import { createSimpleStorage, findKernel, prepareModel, registerKernel, type OpKernel } from "../../src/engine/index.js";
import { ArgumentError, DietmlError, FileFormatError, ShapeError, UnsupportedError } from "../../src/errors/index.js";
import type { Graph, OpOptions } from "../../src/graph/index.js";
import { readTflite } from "../../src/graph/tflite/index.js";
import { buildGraph, q, singleOpGraph } from "./graph-builder.js";
import { goldenAvailable, readMeta, readModel, readPair } from "./golden-io.js";

const relu: OpOptions = { type: "None" };

/** x -> RELU -> ADD(x) -> out, float. */
function twoOpGraph(): Graph {
  return buildGraph(
    [{ shape: [4], dtype: "f32" }, { shape: [4], dtype: "f32" }, { shape: [4], dtype: "f32" }],
    [
      { kind: "RELU", options: relu, inputs: [0], outputs: [1] },
      { kind: "ADD", options: { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false }, inputs: [1, 0], outputs: [2] },
    ],
    [2],
  );
}

describe("executor", () => {
  it("runs ops in order and captures every intermediate on request", () => {
    const model = prepareModel(twoOpGraph());
    const r = model.invoke([Float32Array.from([-1, 2, -3, 4])], { capture: true });
    expect(Array.from(r.outputs[0]!)).toEqual([-1, 4, -3, 8]);
    expect(r.intermediates!.map((c) => [c.opIndex, c.opKind, c.tensor.index])).toEqual([[0, "RELU", 1], [1, "ADD", 2]]);
    expect(Array.from(r.intermediates![0]!.data)).toEqual([0, 2, 0, 4]);
    // Outputs and captures are copies: a second run does not change them.
    model.invoke([Float32Array.from([1, 1, 1, 1])]);
    expect(Array.from(r.outputs[0]!)).toEqual([-1, 4, -3, 8]);
    expect(model.activationBytes).toBe(3 * 4 * 4);
  });

  it("accepts a custom tensor storage (the planner's seam)", () => {
    const seen: number[] = [];
    const model = prepareModel(twoOpGraph(), {
      storage: (g) => {
        const inner = createSimpleStorage(g);
        return { viewOf: (t) => (seen.push(t.index), inner.viewOf(t)), get bytes() { return inner.bytes; } };
      },
    });
    expect(seen).toEqual([]); // prepare allocates nothing
    model.invoke([Float32Array.from([1, 2, 3, 4])]);
    expect(new Set(seen)).toEqual(new Set([0, 1, 2]));
  });

  it("lets a faster kernel replace an entry in the registry", () => {
    const reference = findKernel("RELU", "f32")!;
    let calls = 0;
    const counting: OpKernel = { prepare: reference.prepare, eval: (p, io) => (calls++, reference.eval(p, io)) };
    registerKernel("RELU", "f32", counting);
    try {
      prepareModel(twoOpGraph()).invoke([new Float32Array(4)]);
      expect(calls).toBe(1);
    } finally {
      registerKernel("RELU", "f32", reference);
    }
  });

  it("names an unsupported op, its index, and what is supported", () => {
    const g = singleOpGraph("GELU", { type: "GeluOptions", approximate: false }, [{ shape: [4], dtype: "f32" }], { shape: [4], dtype: "f32" });
    try {
      prepareModel(g);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedError);
      const err = e as UnsupportedError;
      expect(err.message).toContain("op 0 (GELU)");
      expect(err.hint).toContain("CONV_2D (f32, i8)");
      expect(err.hint).toContain("SOFTMAX");
    }
  });

  it("refuses unsupported dtypes and missing quantization with typed errors naming the op", () => {
    const u8 = singleOpGraph("RELU", relu, [{ shape: [4], dtype: "u8" }], { shape: [4], dtype: "u8" });
    expect(() => prepareModel(u8)).toThrow(UnsupportedError);
    const noQuant = singleOpGraph("LOGISTIC", relu, [{ shape: [4], dtype: "i8" }], { shape: [4], dtype: "i8", quant: q(1 / 256, -128) });
    expect(() => prepareModel(noQuant)).toThrow(/op 0 \(LOGISTIC\).*no quantization/);
  });

  it("rejects bad inputs to invoke with typed errors", () => {
    const model = prepareModel(twoOpGraph());
    expect(() => model.invoke([])).toThrow(ArgumentError);
    expect(() => model.invoke([new Float32Array(3)])).toThrow(ShapeError);
    expect(() => model.invoke([new Int8Array(4)])).toThrow(/is f32 but a Int8Array was given/);
    const int8 = prepareModel(singleOpGraph("RELU6", relu, [{ shape: [2], dtype: "i8", quant: q(0.1, 0) }], { shape: [2], dtype: "i8", quant: q(0.1, 0) }));
    expect(() => int8.invoke([Float32Array.from([0.5, 1])])).toThrow(ArgumentError);
    expect(() => int8.invoke([[1, 300]])).toThrow(/element 1 is 300/);
    expect(Array.from(int8.invoke([[1, 100]]).outputs[0]!)).toEqual([1, 60]);
  });

  it("rejects malformed graphs (dangling tensors, huge shapes) with typed errors", () => {
    const g = twoOpGraph();
    g.ops[1]!.inputs = [1, 99];
    expect(() => prepareModel(g)).toThrow(FileFormatError);
    const huge = twoOpGraph();
    huge.tensors[1]!.shape = [1 << 20, 1 << 20];
    expect(() => prepareModel(huge)).toThrow(DietmlError);
  });

  it.skipIf(!goldenAvailable("kws_ref_model"))("refuses the hybrid kws_ref_model_float32 (float activations, int8 weights) clearly", () => {
    const g = readTflite(readModel("kws_ref_model_float32.tflite"), "kws_ref_model_float32.tflite");
    expect(() => prepareModel(g)).toThrow(UnsupportedError);
    expect(() => prepareModel(g)).toThrow(/hybrid/);
  });

  it.skipIf(!goldenAvailable("vww_96_int8"))("captures one int8 tensor per op of a real model, the last equal to the output", () => {
    const meta = readMeta("vww_96_int8");
    const model = prepareModel(readTflite(readModel(meta.model), meta.model));
    const { input } = readPair("vww_96_int8", 0, meta);
    const r = model.invoke([input], { capture: true });
    expect(r.intermediates!.length).toBe(model.graph.ops.length);
    expect(Array.from(r.intermediates!.at(-1)!.data)).toEqual(Array.from(r.outputs[0]!));
  });
});
