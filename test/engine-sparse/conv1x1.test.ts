/**
 * 1x1 CONV_2D (stride 1) with pruned weights runs on the sparse kernels as a FULLY_CONNECTED over pixels:
 * bit-exact with the dense int8 reference, within 1e-6 of the dense f32 conv; other convs stay dense.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PrepareContext, findKernel, prepareModel, withReferenceInt8Kernels } from "../../src/engine/index.js";
import { useSparseKernels } from "../../src/engine/ops/sparse-fully-connected.js";
import type { Graph, GraphDType, OpOptions } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/index.js";
import { singleOpGraph } from "../engine/graph-builder.js";
import { pruneMask, type Pattern } from "./pruned-fc.js";

interface ConvCase { n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number; pattern: Pattern }

function convGraph(c: ConvCase, dtype: GraphDType, rng: Rng): { graph: Graph; input: Int8Array | Float32Array } {
  const mask = pruneMask(rng, c.cout, c.k * c.k * c.cin, c.pattern, [0]);
  const options = { type: "Conv2DOptions", padding: "SAME", strideW: c.stride, strideH: c.stride, fusedActivation: "RELU6", dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: "f32" } as OpOptions;
  const outH = Math.ceil(c.h / c.stride), outW = Math.ceil(c.w / c.stride);
  const inputCount = c.n * c.h * c.w * c.cin;
  if (dtype === "f32") {
    const input = Float32Array.from({ length: inputCount }, () => rng.normal());
    const graph = singleOpGraph("CONV_2D", options, [
      { shape: [c.n, c.h, c.w, c.cin], dtype },
      { shape: [c.cout, c.k, c.k, c.cin], dtype, data: Float32Array.from(mask, (m) => (m ? rng.normal() : 0)) },
      { shape: [c.cout], dtype, data: Float32Array.from({ length: c.cout }, () => rng.normal()) },
    ], { shape: [c.n, outH, outW, c.cout], dtype });
    return { graph, input };
  }
  const scales = Array.from({ length: c.cout }, () => Math.fround(0.003 + 0.01 * rng.uniform()));
  const input = Int8Array.from({ length: inputCount }, () => rng.int(256) - 128);
  const graph = singleOpGraph("CONV_2D", options, [
    { shape: [c.n, c.h, c.w, c.cin], dtype, quant: { scale: [0.05], zeroPoint: [4] } },
    { shape: [c.cout, c.k, c.k, c.cin], dtype, quant: { scale: scales, zeroPoint: scales.map(() => 0) }, data: Int8Array.from(mask, (m) => (m ? rng.int(255) - 127 : 0)) },
    { shape: [c.cout], dtype: "i32", quant: { scale: scales.map((s) => Math.fround(s * 0.05)), zeroPoint: scales.map(() => 0) }, data: Int32Array.from({ length: c.cout }, () => rng.int(4001) - 2000) },
  ], { shape: [c.n, outH, outW, c.cout], dtype, quant: { scale: [Math.fround(0.02 * Math.sqrt(c.cin))], zeroPoint: [-10] } });
  return { graph, input };
}

function routedSparse(graph: Graph, dtype: "i8" | "f32"): boolean {
  return (findKernel("CONV_2D", dtype)!.prepare(new PrepareContext(graph, graph.ops[0]!, "test")) as { sparse?: boolean }).sparse === true;
}

const FORCE = { int8MaxDensity: 1, int8MaxDensityBatched: 1, f32MaxDensity: 1 };
afterAll(() => useSparseKernels(true));

describe("pruned 1x1 CONV_2D on the sparse kernels", () => {
  for (const pattern of [0.75, "2:4"] as Pattern[]) {
    const c: ConvCase = { n: 2, h: 3, w: 5, cin: 12, cout: 7, k: 1, stride: 1, pattern };
    it(`int8, ${pattern} pruned, 2x3x5x12 -> 7: bit-exact with the dense reference`, () => {
      const { graph, input } = convGraph(c, "i8", new Rng(3));
      const want = withReferenceInt8Kernels(() => prepareModel(graph).invoke([input]).outputs[0]!);
      useSparseKernels(true, FORCE);
      expect(routedSparse(graph, "i8")).toBe(true);
      expect(Array.from(prepareModel(graph).invoke([input]).outputs[0]!)).toEqual(Array.from(want));
    });
    it(`f32, ${pattern} pruned, 2x3x5x12 -> 7: within 1e-6 of the dense conv`, () => {
      const { graph, input } = convGraph(c, "f32", new Rng(3));
      useSparseKernels(false);
      const want = prepareModel(graph).invoke([input]).outputs[0]!;
      useSparseKernels(true, FORCE);
      expect(routedSparse(graph, "f32")).toBe(true);
      const got = prepareModel(graph).invoke([input]).outputs[0]!;
      // outputs are clamped to [0, 6]; a sum of 12 products of normals is O(10)
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("3x3 and strided 1x1 convs keep the dense kernel", () => {
    useSparseKernels(true, FORCE);
    for (const dtype of ["i8", "f32"] as const) {
      expect(routedSparse(convGraph({ n: 1, h: 4, w: 4, cin: 3, cout: 2, k: 3, stride: 1, pattern: 0.9 }, dtype, new Rng(1)).graph, dtype)).toBe(false);
      expect(routedSparse(convGraph({ n: 1, h: 4, w: 4, cin: 3, cout: 2, k: 1, stride: 2, pattern: 0.9 }, dtype, new Rng(1)).graph, dtype)).toBe(false);
    }
  });
});
