/**
 * The engine's sparse FULLY_CONNECTED routing: pruned layers (50/75/90% unstructured, 2:4) give the dense
 * path's output, bit for bit against the dense int8 reference kernel (the oracle) and within 1e-6 of the
 * float32 dense product; odd sizes, fully pruned rows and batches > 1 included.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PrepareContext, findKernel, prepareModel, withReferenceInt8Kernels } from "../../src/engine/index.js";
import { useSparseKernels } from "../../src/engine/ops/sparse-fully-connected.js";
import type { Graph } from "../../src/graph/index.js";
import { prunedFcF32, prunedFcInt8, type Pattern, type PrunedFc } from "./pruned-fc.js";

const PATTERNS: Pattern[] = [0.5, 0.75, 0.9, "2:4"];
const SHAPES: Omit<PrunedFc, "pattern">[] = [
  { batch: 1, inDepth: 36, outDepth: 13, zeroRows: [4] },
  { batch: 3, inDepth: 100, outDepth: 21, zeroRows: [0, 20], activation: "RELU" },
  { batch: 1, inDepth: 784, outDepth: 300, zeroRows: [299] },
];

/** Whether the registered FULLY_CONNECTED kernel routes this graph's op to a sparse kernel. */
function routedSparse(graph: Graph, dtype: "i8" | "f32"): boolean {
  const params = findKernel("FULLY_CONNECTED", dtype)!.prepare(new PrepareContext(graph, graph.ops[0]!, "test")) as { sparse?: boolean };
  return params.sparse === true;
}

afterAll(() => useSparseKernels(true));

describe("int8 FULLY_CONNECTED on pruned weights", () => {
  for (const shape of SHAPES) {
    for (const pattern of PATTERNS) {
      it(`${pattern} pruned, batch ${shape.batch}, [${shape.outDepth}, ${shape.inDepth}]: bit-exact with the dense reference`, () => {
        const { graph, input } = prunedFcInt8({ ...shape, pattern });
        const want = withReferenceInt8Kernels(() => prepareModel(graph).invoke([input]).outputs[0]!);
        useSparseKernels(true, { int8MaxDensity: 1, int8MaxDensityBatched: 1 });
        expect(routedSparse(graph, "i8")).toBe(true);
        const got = prepareModel(graph).invoke([input]).outputs[0]!;
        expect(Array.from(got)).toEqual(Array.from(want));
      });
    }
  }

  for (const shape of SHAPES.filter((s) => s.batch === 1)) {
    it(`2:4 kernel, [${shape.outDepth}, ${shape.inDepth}]: bit-exact with the dense reference`, () => {
      const { graph, input } = prunedFcInt8({ ...shape, pattern: "2:4" });
      const want = withReferenceInt8Kernels(() => prepareModel(graph).invoke([input]).outputs[0]!);
      useSparseKernels(true, { int8MaxDensity: 0, int8TwoFour: true });
      expect(routedSparse(graph, "i8")).toBe(true);
      expect(Array.from(prepareModel(graph).invoke([input]).outputs[0]!)).toEqual(Array.from(want));
    });
  }

  it("requantization with a left shift (effective scale > 1) and a tight clamp stays bit-exact", () => {
    const { graph, input } = prunedFcInt8({ batch: 2, inDepth: 40, outDepth: 9, pattern: 0.8, activation: "RELU6", seed: 7 });
    graph.tensors[3]!.quant = { scale: [Math.fround(1e-5)], zeroPoint: [-100], quantizedDimension: 0 };
    const want = withReferenceInt8Kernels(() => prepareModel(graph).invoke([input]).outputs[0]!);
    useSparseKernels(true, { int8MaxDensity: 1, int8MaxDensityBatched: 1 });
    expect(Array.from(prepareModel(graph).invoke([input]).outputs[0]!)).toEqual(Array.from(want));
  });

  it("routes by density under the default policy; weights with a zero point stay dense", () => {
    useSparseKernels(true);
    expect(routedSparse(prunedFcInt8({ batch: 1, inDepth: 64, outDepth: 8, pattern: 0.97 }).graph, "i8")).toBe(true);
    expect(routedSparse(prunedFcInt8({ batch: 1, inDepth: 64, outDepth: 8, pattern: 0.2 }).graph, "i8")).toBe(false);
    expect(routedSparse(prunedFcInt8({ batch: 1, inDepth: 64, outDepth: 8, pattern: "2:4" }).graph, "i8")).toBe(true);
    expect(routedSparse(prunedFcInt8({ batch: 2, inDepth: 64, outDepth: 8, pattern: "2:4" }).graph, "i8")).toBe(false);
    const { graph } = prunedFcInt8({ batch: 1, inDepth: 64, outDepth: 8, pattern: 0.97 });
    const w = graph.tensors[1]!.quant!;
    w.zeroPoint = w.zeroPoint.map(() => 3);
    useSparseKernels(true, { int8MaxDensity: 1, int8MaxDensityBatched: 1 });
    expect(routedSparse(graph, "i8")).toBe(false);
    useSparseKernels(false);
    expect(routedSparse(prunedFcInt8({ batch: 1, inDepth: 64, outDepth: 8, pattern: 0.97 }).graph, "i8")).toBe(false);
  });
});

describe("float32 FULLY_CONNECTED on pruned weights", () => {
  /** |sparse - dense| <= 1e-6 * (sum |w x| + |bias|) per output: relative to the magnitude the sum carries. */
  function expectClose(graph: Graph, input: Float32Array, got: Float32Array, want: Float32Array): void {
    const [, inDepth] = graph.tensors[1]!.shape as [number, number];
    const w = new Float32Array(graph.tensors[1]!.data!.slice().buffer);
    const bias = new Float32Array(graph.tensors[2]!.data!.slice().buffer);
    const outDepth = bias.length;
    for (let i = 0; i < want.length; i++) {
      const b = Math.floor(i / outDepth), o = i % outDepth;
      let scale = Math.abs(bias[o]!);
      for (let d = 0; d < inDepth; d++) scale += Math.abs(w[o * inDepth + d]! * input[b * inDepth + d]!);
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * scale);
    }
  }

  for (const shape of SHAPES) {
    for (const pattern of PATTERNS) {
      const formats = pattern === "2:4" ? [{ f32MaxDensity: 1, name: "CSR" }, { f32MaxDensity: 0, f32TwoFour: true, name: "2:4" }] : [{ f32MaxDensity: 1, name: "CSR" }];
      for (const { name, ...policy } of formats) {
        it(`${pattern} pruned, batch ${shape.batch}, [${shape.outDepth}, ${shape.inDepth}], ${name} kernel: within 1e-6 of dense`, () => {
          const { graph, input } = prunedFcF32({ ...shape, pattern });
          useSparseKernels(false);
          const want = prepareModel(graph).invoke([input]).outputs[0] as Float32Array;
          useSparseKernels(true, policy);
          expect(routedSparse(graph, "f32")).toBe(true);
          const got = prepareModel(graph).invoke([input]).outputs[0] as Float32Array;
          expectClose(graph, input, got, want);
          // the fully pruned rows are the bias (clamped), exactly
          for (const r of shape.zeroRows ?? []) for (let b = 0; b < shape.batch; b++) expect(got[b * shape.outDepth + r]).toBe(want[b * shape.outDepth + r]);
        });
      }
    }
  }

  it("models prepared from equal weights share one WASM copy; different weights of the same shape do not", () => {
    useSparseKernels(true, { f32MaxDensity: 1 });
    const a = prunedFcF32({ batch: 1, inDepth: 40, outDepth: 6, pattern: 0.75, seed: 11 });
    const b = prunedFcF32({ batch: 1, inDepth: 40, outDepth: 6, pattern: 0.75, seed: 12 });
    const first = prepareModel(a.graph).invoke([a.input]).outputs[0]!;
    const again = prepareModel(a.graph).invoke([a.input]).outputs[0]!;
    const other = prepareModel(b.graph).invoke([a.input]).outputs[0]!;
    useSparseKernels(false);
    const otherDense = prepareModel(b.graph).invoke([a.input]).outputs[0] as Float32Array;
    expect(Array.from(again)).toEqual(Array.from(first));
    expectClose(b.graph, a.input, other as Float32Array, otherDense);
  });
});
