import { describe, expect, it } from "vitest";
import { compactGraph, foldQuantization, fuseActivations, readTflite, validateGraph, type Graph, type OpOptions } from "../../src/graph/index.js";
import { tensor } from "./build.js";
import { modelBytes } from "./models.js";

const ADD: OpOptions = { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: true };

/** x, c -> ADD -> a -> RELU6 -> y (optionally a second reader of a). */
function addThenRelu(extraReader = false): Graph {
  const tensors = [tensor(0, [4]), tensor(1, [4], { data: new Uint8Array(16) }), tensor(2, [4]), tensor(3, [4]), tensor(4, [4])];
  const ops: Graph["ops"] = [
    { index: 0, kind: "ADD", version: 1, inputs: [0, 1], outputs: [2], options: ADD },
    { index: 1, kind: "RELU6", version: 1, inputs: [2], outputs: [3], options: { type: "None" } },
  ];
  if (extraReader) ops.push({ index: 2, kind: "RELU", version: 1, inputs: [2], outputs: [4], options: { type: "None" } });
  return { tensors, ops, inputs: [0], outputs: extraReader ? [3, 4] : [3], version: 3, metadata: [], signatures: [] };
}

describe("fuseActivations", () => {
  it("folds a RELU6 into the ADD before it and drops the intermediate tensor", () => {
    const fused = fuseActivations(addThenRelu());
    validateGraph(fused);
    expect(fused.ops).toHaveLength(1);
    expect(fused.ops[0]!.options).toEqual({ ...ADD, fusedActivation: "RELU6" });
    expect(fused.tensors.map((t) => t.name)).toEqual(["t0", "t1", "t3"]);
    expect(fused.ops[0]!.outputs).toEqual([2]);
    expect(fused.outputs).toEqual([2]);
  });

  it("leaves the pair alone when another op also reads the intermediate", () => {
    const g = addThenRelu(true);
    expect(fuseActivations(g)).toBe(g);
  });

  it("leaves the pair alone when the two tensors are quantized differently", () => {
    const g = addThenRelu();
    g.tensors[2]!.quant = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
    g.tensors[3]!.quant = { scale: [0.05], zeroPoint: [-128], quantizedDimension: 0 };
    expect(fuseActivations(g).ops).toHaveLength(2);
  });

  it("changes nothing in a converter-made model (activations already fused)", () => {
    const g = readTflite(modelBytes("kws_ref_model"), "kws");
    expect(fuseActivations(g)).toBe(g);
  });
});

describe("compactGraph", () => {
  it("drops unreferenced tensors and renumbers ops, inputs and outputs", () => {
    const g = addThenRelu();
    g.tensors.push(tensor(5, [9]));
    g.tensors.splice(4, 1); // t4 unused in the single-reader graph; t5 also unused
    g.tensors.forEach((t, i) => (t.index = i));
    const c = compactGraph(g);
    validateGraph(c);
    expect(c.tensors.map((t) => t.name)).toEqual(["t0", "t1", "t2", "t3"]);
    expect(c.ops[1]!.outputs).toEqual([3]);
  });

  it("keeps a real model intact", () => {
    const g = readTflite(modelBytes("kws_ref_model"), "kws");
    expect(compactGraph(g).tensors.length).toBe(g.tensors.length);
  });
});

describe("foldQuantization", () => {
  const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });
  /** xq (u8) -> DEQUANTIZE -> ADD(·, ·) -> QUANTIZE -> yq (u8): the QDQ form of an int8 ADD. */
  function qdqAdd(): Graph {
    const tensors = [
      tensor(0, [4], { dtype: "u8", quant: q(0.1, 128) }),
      tensor(1, [4]),
      tensor(2, [4]),
      tensor(3, [4], { dtype: "u8", quant: q(0.2, 130) }),
    ];
    return {
      tensors,
      ops: [
        { index: 0, kind: "DEQUANTIZE", version: 1, inputs: [0], outputs: [1], options: { type: "DequantizeOptions" } },
        { index: 1, kind: "ADD", version: 1, inputs: [1, 1], outputs: [2], options: ADD },
        { index: 2, kind: "QUANTIZE", version: 1, inputs: [2], outputs: [3], options: { type: "QuantizeOptions" } },
      ],
      inputs: [0],
      outputs: [3],
      version: 3,
      metadata: [],
      signatures: [],
    };
  }

  it("turns DEQUANTIZE -> ADD -> QUANTIZE into an int8 ADD, uint8 shifted to int8", () => {
    const folded = foldQuantization(qdqAdd());
    validateGraph(folded);
    expect(folded.ops.map((o) => o.kind)).toEqual(["ADD"]);
    expect(folded.tensors.map((t) => [t.dtype, t.quant?.zeroPoint[0]])).toEqual([["i8", 0], ["i8", 2]]);
  });

  it("leaves an op with a float constant operand in float between the converters", () => {
    const g = qdqAdd();
    g.tensors.push(tensor(4, [4], { data: new Uint8Array(16) }));
    g.ops[1]!.inputs = [1, 4];
    const folded = foldQuantization(g);
    validateGraph(folded);
    expect(folded.ops.map((o) => o.kind)).toEqual(["DEQUANTIZE", "ADD", "QUANTIZE"]);
  });

  it("returns a graph without converters unchanged", () => {
    const g = readTflite(modelBytes("vww_96_float"), "vww");
    expect(foldQuantization(g)).toBe(g);
  });
});
