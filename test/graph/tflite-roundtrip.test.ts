import { describe, expect, it } from "vitest";
import { readTflite, writeTflite } from "../../src/graph/index.js";
import { FlatReader } from "../../src/graph/tflite/flat-reader.js";
import { MODEL_NAMES, modelBytes } from "./models.js";
import { expectSameGraph } from "./same-graph.js";

describe.each(MODEL_NAMES)("%s round trip", (name) => {
  const original = modelBytes(name);
  const graph = readTflite(original, name);
  const written = writeTflite(graph);

  it("read -> write -> read gives the same graph", () => {
    expectSameGraph(readTflite(written, "written"), graph);
  });

  it("writing is deterministic: a second generation is byte-identical", () => {
    const again = writeTflite(readTflite(written, "written"));
    expect(Buffer.from(again).equals(Buffer.from(written))).toBe(true);
  });

  it("writes a valid TFLite header: identifier TFL3, version 3, empty buffer 0, deduplicated op codes", () => {
    expect(String.fromCharCode(...written.subarray(4, 8))).toBe("TFL3");
    const model = new FlatReader(written, "written").tableAt(0, "Model");
    expect(model.uint32(0, "version")).toBe(3);
    const buffers = model.tables(4, "buffers");
    expect(buffers[0]!.bytes(0, "data")?.length ?? 0).toBe(0);
    const codes = model.tables(1, "operator_codes").map((c) => `${c.int32(3, "builtin_code")}/${c.int32(2, "version", 1)}`);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBe(new Set(graph.ops.map((o) => `${o.kind}/${o.version}`)).size);
  });

  it("aligns constant data to 16 bytes in the written file", () => {
    const model = new FlatReader(written, "written").tableAt(0, "Model");
    for (const buf of model.tables(4, "buffers")) {
      const span = buf.vector(0, "data", 1);
      if (span && span.length > 0) expect(span.start % 16).toBe(0);
    }
  });

  it("keeps every constant byte and quantization parameter of the original", () => {
    const again = readTflite(written, "written");
    let constants = 0;
    for (const t of graph.tensors) {
      const u = again.tensors[t.index]!;
      expect(u.data === undefined).toBe(t.data === undefined);
      if (t.data) expect(Buffer.from(u.data!).equals(Buffer.from(t.data))).toBe(true);
      expect(u.quant).toEqual(t.quant);
      if (t.data) constants++;
    }
    expect(constants).toBeGreaterThan(10);
  });
});

describe("reader facts about the reference models", () => {
  it("reads a model from a view at an odd byte offset (e.g. a pooled Node Buffer)", () => {
    const bytes = modelBytes("kws_ref_model");
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expectSameGraph(readTflite(padded.subarray(3), "view"), readTflite(bytes, "view"));
  });

  it("vww_96_int8: 31 ops, int8 input 1x96x96x3 and per-channel conv weights", () => {
    const g = readTflite(modelBytes("vww_96_int8"), "vww_96_int8");
    expect(g.ops.length).toBe(31);
    const input = g.tensors[g.inputs[0]!]!;
    expect(input.shape).toEqual([1, 96, 96, 3]);
    expect(input.dtype).toBe("i8");
    const conv = g.ops[0]!;
    expect(conv.kind).toBe("CONV_2D");
    expect(conv.options).toMatchObject({ type: "Conv2DOptions", padding: "SAME", strideW: 2, strideH: 2, fusedActivation: "RELU" });
    const w = g.tensors[conv.inputs[1]!]!;
    expect(w.shape).toEqual([8, 3, 3, 3]);
    expect(w.quant!.scale.length).toBe(8);
    expect(w.quant!.zeroPoint).toEqual(new Array(8).fill(0));
    const bias = g.tensors[conv.inputs[2]!]!;
    expect(bias.dtype).toBe("i32");
    expect(bias.data!.length).toBe(8 * 4);
  });

  it("kws_ref_model: ends in FULLY_CONNECTED then SOFTMAX with beta 1", () => {
    const g = readTflite(modelBytes("kws_ref_model"), "kws_ref_model");
    const kinds = g.ops.map((o) => o.kind);
    expect(kinds.slice(-2)).toEqual(["FULLY_CONNECTED", "SOFTMAX"]);
    expect(g.ops.at(-1)!.options).toEqual({ type: "SoftmaxOptions", beta: 1 });
    expect(g.metadata.map((m) => m.name)).toContain("min_runtime_version");
  });
});
