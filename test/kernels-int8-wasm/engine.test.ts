/**
 * The engine with the WASM int8 kernels (the default once build/wasm/int8.wasm exists) against the same
 * engine forced onto the reference kernels: identical outputs on random inputs for the MLPerf Tiny int8
 * models, activations resident in WASM memory, and the switch back and forth.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { findKernel, prepareModel } from "../../src/engine/index.js";
import { useInt8Reference } from "../../src/engine/ops/int8-wasm.js";
import { readTflite } from "../../src/graph/index.js";
import { int8Runtime, isResident } from "../../src/kernels/int8-wasm/index.js";
import { Rng } from "../../src/tensor/index.js";

const MODELS = ["kws_ref_model", "vww_96_int8"];
const dir = "/work/shared/models/mlperf-tiny";

function load(name: string) {
  const file = `${dir}/${name}.tflite`;
  return readTflite(new Uint8Array(readFileSync(file)), file);
}

describe.skipIf(int8Runtime() === null)("engine with WASM int8 kernels", () => {
  afterAll(() => useInt8Reference(false));

  it.each(MODELS)("%s: same outputs as the reference kernels on random inputs", (name) => {
    if (!existsSync(`${dir}/${name}.tflite`)) return;
    useInt8Reference(false);
    const fastConv = findKernel("CONV_2D", "i8");
    const fast = prepareModel(load(name));
    useInt8Reference(true);
    expect(findKernel("CONV_2D", "i8")).not.toBe(fastConv);
    const reference = prepareModel(load(name));
    useInt8Reference(false);
    const rng = new Rng(21);
    const n = fast.inputTensors[0]!.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < 6; i++) {
      const input = new Int8Array(n);
      const extreme = i < 2 ? [-128, 127][i]! : null;
      for (let k = 0; k < n; k++) input[k] = extreme ?? rng.int(256) - 128;
      const got = fast.invoke([input], { capture: true });
      const want = reference.invoke([input], { capture: true });
      // Every layer, not only the output: a difference the softmax happens to hide still fails.
      got.intermediates!.forEach((layer, j) => {
        expect(Array.from(layer.data), `${name} input ${i} op ${layer.opIndex} ${layer.opKind}`).toEqual(Array.from(want.intermediates![j]!.data));
      });
      expect(Array.from(got.outputs[0]!)).toEqual(Array.from(want.outputs[0]!));
    }
  });

  it("keeps int8 activations resident in WASM memory (kernels run in place)", () => {
    useInt8Reference(false);
    const model = prepareModel(load("kws_ref_model"));
    const out = model.runOp(0, [new Int8Array(model.inputTensors[0]!.shape.reduce((a, b) => a * b, 1))]);
    expect(out[0]).toBeInstanceOf(Int8Array);
    const captured = model.invoke([new Int8Array(490)], { capture: true }).intermediates!;
    expect(captured.length).toBeGreaterThan(0);
    // the storage hands out views on the module's memory
    const views = (model as unknown as { steps: { io: { outputs: Int8Array[] } }[] }).steps.map((s) => s.io.outputs[0]!);
    expect(views.every((v) => isResident(v))).toBe(true);
  });
});
