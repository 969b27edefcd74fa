import { describe, expect, it } from "vitest";
import { compactGraph, fuseActivations, readTflite, validateGraph, type Graph, type OpOptions } from "../../src/graph/index.js";
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
