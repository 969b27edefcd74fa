/**
 * The dense float32 FULLY_CONNECTED with its weights resident in WASM memory (GEMV at small batch, GEMM above)
 * against the same model on the pure-TS reference kernels (the oracle), within summation-order rounding;
 * models prepared with other weights of the same shape in between must not disturb the cached copies.
 */
import { afterAll, describe, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import type { FusedActivation, Graph } from "../../src/graph/index.js";
import { setKernelBackend } from "../../src/kernels/index.js";
import { Rng } from "../../src/tensor/index.js";
import { expectClose } from "../kernels/helpers.js";
import { singleOpGraph } from "./graph-builder.js";

function denseFc(batch: number, inDepth: number, outDepth: number, activation: FusedActivation, seed: number): { graph: Graph; input: Float32Array } {
  const rng = new Rng(seed);
  const w = Float32Array.from({ length: outDepth * inDepth }, () => rng.normal());
  const bias = Float32Array.from({ length: outDepth }, () => rng.normal());
  const input = Float32Array.from({ length: batch * inDepth }, () => rng.normal());
  const graph = singleOpGraph(
    "FULLY_CONNECTED",
    { type: "FullyConnectedOptions", fusedActivation: activation, weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" },
    [
      { shape: [batch, inDepth], dtype: "f32" },
      { shape: [outDepth, inDepth], dtype: "f32", data: w },
      { shape: [outDepth], dtype: "f32", data: bias },
    ],
    { shape: [batch, outDepth], dtype: "f32" },
  );
  return { graph, input };
}

function run(graph: Graph, input: Float32Array, backend: "ref" | "wasm"): Float32Array {
  setKernelBackend(backend);
  try {
    return prepareModel(graph).invoke([input]).outputs[0] as Float32Array;
  } finally {
    setKernelBackend("wasm");
  }
}

afterAll(() => setKernelBackend("wasm"));

describe("float32 FULLY_CONNECTED with resident weights equals the reference kernels", () => {
  const shapes: [number, number, number, FusedActivation][] = [
    [1, 784, 300, "RELU"], [2, 37, 129, "NONE"], [3, 1001, 5, "NONE"], [5, 64, 65, "RELU6"], [7, 130, 33, "NONE"], [17, 96, 50, "RELU"],
  ];
  for (const [batch, inDepth, outDepth, act] of shapes) {
    it(`batch ${batch}, [${outDepth}, ${inDepth}], ${act}`, () => {
      const { graph, input } = denseFc(batch, inDepth, outDepth, act, batch);
      const want = run(graph, input, "ref");
      const model = prepareModel(graph);
      expectClose(model.invoke([input]).outputs[0] as Float32Array, want, 1e-5 * Math.sqrt(inDepth));
      // other weights of the same shape, then equal weights in a new model: each keeps its own values
      const other = denseFc(batch, inDepth, outDepth, act, batch + 100);
      expectClose(run(other.graph, other.input, "wasm"), run(other.graph, other.input, "ref"), 1e-5 * Math.sqrt(inDepth));
      expectClose(model.invoke([input]).outputs[0] as Float32Array, want, 1e-5 * Math.sqrt(inDepth));
      expectClose(run(graph, input, "wasm"), want, 1e-5 * Math.sqrt(inDepth));
    });
  }
});
