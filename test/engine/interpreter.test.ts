/**
 * Our int8 engine against the TFLite WASM interpreter on seeded random inputs. The interpreter routes
 * CONV/DEPTHWISE through XNNPACK, whose requantization may differ from TFLite's reference kernels by
 * 1 LSB. Each layer is fed the interpreter's own inputs (so differences do not compound) and must agree
 * within exactly 1 LSB; how often it differs is printed.
 */
import { describe, expect, it } from "vitest";
import { prepareModel, withReferenceInt8Kernels } from "../../src/engine/index.js";
import { readTflite, writeTflite } from "../../src/graph/tflite/index.js";
import { exposeIntermediates } from "../../src/peers/expose-intermediates.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { Rng } from "../../src/tensor/index.js";
import { goldenAvailable, readModel } from "./golden-io.js";
import { randomInt8 } from "../kernels-int8/oracle.js";

const MODELS = ["kws_ref_model", "vww_96_int8"];
const INPUTS = 4;

const MODES = [
  { kernels: "default", prepare: prepareModel },
  { kernels: "reference", prepare: (g: Parameters<typeof prepareModel>[0]) => withReferenceInt8Kernels(() => prepareModel(g)) },
];

describe.each(MODELS.flatMap((name) => MODES.map((mode) => ({ name, ...mode }))))("$name ($kernels kernels) vs the TFLite WASM interpreter", ({ name, kernels, prepare }) => {
  it.skipIf(!tfliteInterpreterAvailable() || !goldenAvailable(name))("every layer within 1 LSB given the interpreter's inputs", async () => {
    const graph = readTflite(readModel(`${name}.tflite`), `${name}.tflite`);
    const exposed = exposeIntermediates(graph);
    const interp = await TfliteInterpreter.create(writeTflite(exposed.graph), { fileName: name });
    const model = prepare(graph);
    const rng = new Rng(2024);
    const inputTensor = graph.tensors[graph.inputs[0]!]!;
    const size = inputTensor.shape.reduce((a, b) => a * b, 1);
    let differing = 0;
    let total = 0;
    let endToEndDiffering = 0;
    for (let n = 0; n < INPUTS; n++) {
      const input = randomInt8(rng, size);
      const ref = interp.run([input]);
      const refOf = new Map<number, ArrayLike<number>>(exposed.exposedTensors.map((t, k) => [t, ref[k]!]));
      refOf.set(inputTensor.index, input);
      for (const op of graph.ops) {
        const feeds = op.inputs.filter((t) => t >= 0 && !graph.tensors[t]!.data).map((t) => refOf.get(t)!);
        const [ours] = model.runOp(op.index, feeds);
        const want = refOf.get(op.outputs[0]!)!;
        let maxDiff = 0;
        for (let k = 0; k < want.length; k++) {
          const d = Math.abs(ours![k]! - want[k]!);
          if (d > maxDiff) maxDiff = d;
          if (d) differing++;
        }
        expect(maxDiff, `${name} input ${n} op ${op.index} (${op.kind})`).toBeLessThanOrEqual(1);
        total += want.length;
      }
      const endToEnd = model.invoke([input]).outputs[0]!;
      const refOut = ref[0]!;
      for (let k = 0; k < refOut.length; k++) if (endToEnd[k] !== refOut[k]) endToEndDiffering++;
    }
    console.log(
      `${name} (${kernels} kernels): per layer, ${differing}/${total} elements differ from the TFLite WASM interpreter by 1 LSB (${((100 * differing) / total).toFixed(3)}%); ` +
        `end to end, ${endToEndDiffering} output elements differ over ${INPUTS} random inputs`,
    );
    interp.dispose();
  });
});

describe("vww_96_float vs the TFLite WASM interpreter", () => {
  it.skipIf(!tfliteInterpreterAvailable() || !goldenAvailable("vww_96_float"))("outputs within 1e-5 relative on random inputs", async () => {
    const graph = readTflite(readModel("vww_96_float.tflite"), "vww_96_float.tflite");
    const interp = await TfliteInterpreter.create(readModel("vww_96_float.tflite"), { fileName: "vww_96_float" });
    const model = prepareModel(graph);
    const rng = new Rng(7);
    let worst = 0;
    for (let n = 0; n < INPUTS; n++) {
      const input = Float32Array.from({ length: 96 * 96 * 3 }, () => rng.uniform() * 2 - 1);
      const want = interp.run([input])[0]!;
      const got = model.invoke([input]).outputs[0]!;
      for (let k = 0; k < want.length; k++) {
        const rel = Math.abs(got[k]! - want[k]!) / Math.max(Math.abs(want[k]!), 1e-3);
        worst = Math.max(worst, rel);
      }
    }
    console.log(`vww_96_float: worst relative difference from the TFLite WASM interpreter ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    interp.dispose();
  });
});
