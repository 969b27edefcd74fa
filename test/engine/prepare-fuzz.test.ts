/**
 * Semantic fuzzing of the executor: the reference graphs with shapes, quantization, options, op kinds,
 * dtypes and wiring mutated directly in the IR (fields a byte-level fuzzer rarely reaches). prepareModel
 * and one invoke must either work or throw a DietmlError; no other exception, no hang.
 */
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { DietmlError } from "../../src/errors/index.js";
import type { Graph } from "../../src/graph/index.js";
import { readTflite } from "../../src/graph/tflite/index.js";
import { Rng } from "../../src/tensor/index.js";
import { goldenAvailable, readModel } from "./golden-io.js";

const WEIRD_NUMBERS = [0, -1, 1, 2, 3, 7, 1e9, -1e9, 2 ** 31, Number.NaN, Infinity, 0.5];
const WEIRD_SCALES = [0, -1, Number.NaN, Infinity, 1e-40, 1e38, 1 / 256, 0.1];
const KINDS = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "MUL", "RESHAPE", "SOFTMAX", "QUANTIZE",
  "DEQUANTIZE", "MEAN", "PAD", "CONCATENATION", "LOGISTIC", "RELU", "RELU6", "HARD_SWISH", "GELU"];
const DTYPES = ["f32", "i8", "i32", "u8", "i16", "f16"] as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function mutate(g: Graph, rng: Rng): string {
  const t = pick(rng, g.tensors);
  const op = pick(rng, g.ops);
  switch (rng.int(8)) {
    case 0: {
      const d = rng.int(Math.max(1, t.shape.length));
      t.shape[d] = pick(rng, WEIRD_NUMBERS);
      return `tensor ${t.index} dim ${d} = ${t.shape[d]}`;
    }
    case 1:
      if (t.quant) t.quant.scale[rng.int(t.quant.scale.length)] = pick(rng, WEIRD_SCALES);
      return `tensor ${t.index} scale`;
    case 2:
      if (t.quant) t.quant.zeroPoint[0] = pick(rng, [300, -1000, 0.5, Number.NaN, 127, -128]);
      return `tensor ${t.index} zero point`;
    case 3: {
      const o = op.options as unknown as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => typeof o[k] === "number");
      if (keys.length) o[pick(rng, keys)] = pick(rng, WEIRD_NUMBERS);
      return `op ${op.index} numeric option`;
    }
    case 4:
      op.kind = pick(rng, KINDS);
      return `op ${op.index} kind ${op.kind}`;
    case 5:
      t.dtype = pick(rng, DTYPES);
      return `tensor ${t.index} dtype ${t.dtype}`;
    case 6: {
      const i = rng.int(Math.max(1, op.inputs.length));
      op.inputs[i] = pick(rng, [-1, 0, rng.int(g.tensors.length), g.tensors.length + 5]);
      return `op ${op.index} input ${i}`;
    }
    default:
      t.shape = t.shape.slice(0, rng.int(t.shape.length + 1));
      return `tensor ${t.index} rank cut`;
  }
}

describe("executor semantic fuzz", () => {
  it.skipIf(!goldenAvailable("kws_ref_model"))("only typed errors from prepare and invoke on 1500 mutated graphs", () => {
    const rng = new Rng(2026);
    const originals = ["kws_ref_model", "vww_96_int8", "vww_96_float"].map((n) => readTflite(readModel(`${n}.tflite`), `${n}.tflite`));
    const failures: string[] = [];
    let ran = 0;
    let typed = 0;
    const start = Date.now();
    for (let i = 0; i < 1500; i++) {
      // Mostly kws (fast to run); vww mutants that survive run a full inference, so fewer of them.
      const g = structuredClone(originals[i % 5 === 4 ? 1 + rng.int(2) : 0]!);
      const how = Array.from({ length: 1 + rng.int(3) }, () => mutate(g, rng)).join("; ");
      try {
        const model = prepareModel(g, { source: "fuzz" });
        model.invoke(model.inputTensors.map((t) => new Array<number>(t.shape.reduce((a, b) => a * b, 1)).fill(0)));
        ran++;
      } catch (e) {
        typed++;
        if (!(e instanceof DietmlError)) failures.push(`${how}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        else if (/cannot prepare this op/.test(e.message)) failures.push(`${how}: wrapped: ${e.message}`);
      }
    }
    console.log(`executor fuzz: 1500 mutants, ${ran} ran, ${typed} refused with typed errors`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(ran).toBeGreaterThan(50);
    expect(Date.now() - start).toBeLessThan(90_000);
  }, 120_000);
});
