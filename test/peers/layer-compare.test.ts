import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite } from "../../src/graph/index.js";
import { alignOps, FloatReference } from "../../src/peers/float-reference.js";
import { InterpreterReference } from "../../src/peers/interpreter-reference.js";
import { firstDivergence, LayerComparer, sampleQuantOf, type ReferenceTensor } from "../../src/peers/layer-compare.js";
import { asTyped, goldenBytes, modelBytes } from "./golden.js";

describe("LayerComparer names the layer that computes differently", () => {
  it("a reference corrupted at one op: that op is the first to diverge on its own; later ones only inherit", async () => {
    const graph = readTflite(modelBytes("kws_ref_model"));
    const input = asTyped(goldenBytes("kws_ref_model", "input", 0), "int8");
    const interpreter = await InterpreterReference.create(graph);
    const reference = new Map<number, ReferenceTensor>();
    for (const [t, v] of interpreter.run([input])) reference.set(t, { values: v, quant: sampleQuantOf(graph.tensors[t]!) });
    interpreter.dispose();
    // Pretend the reference computed op 5 differently: +6 LSB on every element (saturating).
    const corrupted = graph.ops[5]!.outputs[0]!;
    const ref5 = reference.get(corrupted)!;
    reference.set(corrupted, { ...ref5, values: Int8Array.from(ref5.values, (v) => Math.min(127, v + 6)) });

    const layers = new LayerComparer(graph, prepareModel(graph), { tolerance: { lsb: 1, abs: 0, rel: 0 }, isolate: true }).compare([input], reference);
    const ownDivergence = layers.find((l) => l.isolated!.mismatches > 0)!;
    expect(ownDivergence.op).toBe(5);
    expect(ownDivergence.isolated!.maxLsbDiff).toBeGreaterThanOrEqual(5);
    for (const l of layers.slice(0, 5)) expect(l.isolated!.maxLsbDiff).toBeLessThanOrEqual(1);
    expect(firstDivergence(layers)!.op).toBeLessThanOrEqual(5);
  });
});

describe("float reference for an int8 model", () => {
  it("aligns vww_96_int8 with vww_96_float op by op", () => {
    const pairs = alignOps(readTflite(modelBytes("vww_96_int8")), readTflite(modelBytes("vww_96_float")));
    expect(pairs).toHaveLength(31);
    expect(pairs.every(([q, f]) => q === f)).toBe(true);
  });

  it("refuses models that do not align, naming the first mismatching layer", () => {
    expect(() => alignOps(readTflite(modelBytes("kws_ref_model")), readTflite(modelBytes("vww_96_float")))).toThrow(/layer 9 is op 9 \(AVERAGE_POOL_2D\).*op 9 \(DEPTHWISE_CONV_2D\)/);
  });

  it("the int8 model's output stays close to the float model's (dequantized, relative error < 10%)", () => {
    const q = readTflite(modelBytes("vww_96_int8"));
    const f = readTflite(modelBytes("vww_96_float"));
    const input = asTyped(goldenBytes("vww_96_int8", "input", 1), "int8");
    const layers = new LayerComparer(q, prepareModel(q), { tolerance: { lsb: 2, abs: 0, rel: 0 }, isolate: false }).compare(
      [input],
      FloatReference.create(q, f).run([input]),
    );
    expect(layers).toHaveLength(31);
    expect(layers.at(-1)!.propagated.relativeError).toBeLessThan(0.1);
    expect(layers[0]!.propagated.outOfRange).toBeGreaterThanOrEqual(0);
  });
});
