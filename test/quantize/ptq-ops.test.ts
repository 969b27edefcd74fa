/**
 * PTQ of the ops beyond conv/FC/pool: LOGISTIC, HARD_SWISH, CONCATENATION, MUL, MEAN, PAD, PADV2, SOFTMAX,
 * RELU6, SQUEEZE, EXPAND_DIMS. Each case is a small float graph (a conv in front, so the op sees a calibrated signed activation).
 * Oracles: the float graph (the int8 output, dequantized, stays close to it), TFLite's interpreter on the
 * exported file (every layer within 1 LSB of our engine), and TFLite's parameter rules (LOGISTIC/SOFTMAX at
 * 1/256, -128; CONCATENATION inputs sharing the output's parameters).
 */
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import type { Graph } from "../../src/graph/index.js";
import { GraphBuilder } from "../../src/lower/graph-builder.js";
import { tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { dequantizeTensor, quantizePtq, quantizeTensor } from "../../src/quantize/index.js";
import { Rng } from "../../src/tensor/index.js";
import { randomInputs } from "../lower/helpers.js";
import { compareWithTflite, describeLsb } from "./tflite-compare.js";

const H = 6;
const C = 3;
const F = 4;

/** A builder with input x [1, 6, 6, 3] and helpers for the ops the cases chain. */
function start(seed: number) {
  const b = new GraphBuilder();
  const rng = new Rng(seed);
  const x = b.activation("x", [1, H, H, C]);
  let n = 0;
  const conv = (input: number, gain = 1, inC = C): number => {
    const k = n++;
    const w = b.constF32(`conv${k}/weight`, [F, 3, 3, inC], Array.from({ length: F * 9 * inC }, () => gain * rng.range(-0.5, 0.5)));
    const bias = b.constF32(`conv${k}/bias`, [F], Array.from({ length: F }, () => rng.range(-0.2, 0.2)));
    const y = b.activation(`conv${k}`, [1, H, H, F]);
    b.op("CONV_2D", { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, fusedActivation: "NONE", dilationHFactor: 1, dilationWFactor: 1, quantizedBiasType: "f32" }, [input, w, bias], [y]);
    return y;
  };
  const unary = (kind: string, input: number, shape = [1, H, H, F]): number => {
    const y = b.activation(kind.toLowerCase(), shape);
    b.op(kind, { type: "None" }, [input], [y]);
    return y;
  };
  return { b, rng, x, conv, unary, build: (y: number) => b.build([x], [y], "ptq ops test") };
}

interface Case {
  name: string;
  graph: () => Graph;
  /** Extra checks on the quantized graph (TFLite's parameter rules). */
  check?: (int8: Graph) => void;
}

const mul = { type: "MulOptions", fusedActivation: "NONE" } as const;
const concatAxis3 = { type: "ConcatenationOptions", axis: 3, fusedActivation: "NONE" } as const;

function opsOf(g: Graph, kind: string) {
  return g.ops.filter((op) => op.kind === kind);
}

function expectUnitIntervalOutput(g: Graph, kind: string): void {
  const q = g.tensors[opsOf(g, kind)[0]!.outputs[0]!]!.quant!;
  expect([q.scale[0], q.zeroPoint[0]]).toEqual([1 / 256, -128]);
}

const CASES: Case[] = [
  { name: "LOGISTIC", graph: () => { const s = start(1); return s.build(s.unary("LOGISTIC", s.conv(s.x, 4))); }, check: (g) => expectUnitIntervalOutput(g, "LOGISTIC") },
  { name: "HARD_SWISH", graph: () => { const s = start(2); return s.build(s.unary("HARD_SWISH", s.conv(s.x, 8))); } },
  {
    name: "CONCATENATION of two convs (ranges unified, no requantize)",
    graph: () => {
      const s = start(3);
      const y = s.b.activation("concat", [1, H, H, 2 * F]);
      s.b.op("CONCATENATION", concatAxis3, [s.conv(s.x, 1), s.conv(s.x, 4)], [y]);
      return s.build(s.conv(y, 1, 2 * F));
    },
    check: (g) => {
      const concat = opsOf(g, "CONCATENATION")[0]!;
      const q = g.tensors[concat.outputs[0]!]!.quant!;
      for (const i of concat.inputs) expect(g.tensors[i]!.quant).toMatchObject({ scale: q.scale, zeroPoint: q.zeroPoint });
      expect(opsOf(g, "QUANTIZE")).toHaveLength(0);
    },
  },
  {
    name: "CONCATENATION of a LOGISTIC (fixed 1/256) and a max-pooled conv",
    graph: () => {
      const s = start(4);
      const pooled = s.b.activation("pool", [1, H, H, F]);
      s.b.op("MAX_POOL_2D", { type: "Pool2DOptions", padding: "SAME", strideH: 1, strideW: 1, filterHeight: 2, filterWidth: 2, fusedActivation: "NONE" }, [s.conv(s.x, 3)], [pooled]);
      const y = s.b.activation("concat", [1, H, H, 2 * F]);
      s.b.op("CONCATENATION", concatAxis3, [s.unary("LOGISTIC", s.conv(s.x, 2)), pooled], [y]);
      return s.build(y);
    },
    check: (g) => {
      const concat = opsOf(g, "CONCATENATION")[0]!;
      const q = g.tensors[concat.outputs[0]!]!.quant!;
      for (const i of concat.inputs) expect(g.tensors[i]!.quant).toMatchObject({ scale: q.scale, zeroPoint: q.zeroPoint });
      expect(opsOf(g, "QUANTIZE")).toHaveLength(1); // only the LOGISTIC's output needs requantizing
      expect(g.tensors[concat.inputs[0]!]!.name).toBe("logistic/requantized");
    },
  },
  {
    name: "MUL of two activations, then by a per-channel constant",
    graph: () => {
      const s = start(5);
      const p = s.b.activation("product", [1, H, H, F]);
      s.b.op("MUL", mul, [s.conv(s.x, 2), s.conv(s.x, 2)], [p]);
      const gain = s.b.constF32("gain", [F], [0.5, -1.5, 2, 0.25]);
      const y = s.b.activation("scaled", [1, H, H, F]);
      s.b.op("MUL", mul, [p, gain], [y]);
      return s.build(y);
    },
  },
  {
    name: "MEAN over height and width",
    graph: () => {
      const s = start(6);
      const axes = s.b.constI32("axes", [2], [1, 2]);
      const y = s.b.activation("mean", [1, F]);
      s.b.op("MEAN", { type: "ReducerOptions", keepDims: false }, [s.conv(s.x, 2), axes], [y]);
      return s.build(y);
    },
  },
  {
    name: "PAD then conv",
    graph: () => {
      const s = start(7);
      const pads = s.b.constI32("paddings", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0]);
      const y = s.b.activation("padded", [1, H + 2, H + 2, F]);
      s.b.op("PAD", { type: "None" }, [s.conv(s.x, 2), pads], [y]);
      return s.build(y);
    },
  },
  { name: "SOFTMAX over channels", graph: () => { const s = start(8); const y = s.b.activation("softmax", [1, H, H, F]); s.b.op("SOFTMAX", { type: "SoftmaxOptions", beta: 1 }, [s.conv(s.x, 4)], [y]); return s.build(y); }, check: (g) => expectUnitIntervalOutput(g, "SOFTMAX") },
  { name: "RELU6 (keeps its input's parameters)", graph: () => { const s = start(9); return s.build(s.unary("RELU6", s.conv(s.x, 16))); } },
  {
    name: "MEAN keeping dims, then SQUEEZE",
    graph: () => {
      const s = start(10);
      const axes = s.b.constI32("axes", [2], [1, 2]);
      const m = s.b.activation("mean", [1, 1, 1, F]);
      s.b.op("MEAN", { type: "ReducerOptions", keepDims: true }, [s.conv(s.x, 2), axes], [m]);
      const y = s.b.activation("squeezed", [1, F]);
      s.b.op("SQUEEZE", { type: "SqueezeOptions", squeezeDims: [1, 2] }, [m], [y]);
      return s.build(y);
    },
  },
  {
    name: "PADV2 with a float pad value, then EXPAND_DIMS",
    graph: () => {
      const s = start(12);
      const pads = s.b.constI32("paddings", [4, 2], [0, 0, 1, 0, 0, 1, 0, 0]);
      const value = s.b.constF32("pad_value", [1], [0.25]);
      const p = s.b.activation("padded", [1, H + 1, H + 1, F]);
      s.b.op("PADV2", { type: "None" }, [s.conv(s.x, 2), pads, value], [p]);
      const axis = s.b.constI32("axis", [1], [0]);
      const y = s.b.activation("expanded", [1, 1, H + 1, H + 1, F]);
      s.b.op("EXPAND_DIMS", { type: "None" }, [p, axis], [y]);
      return s.build(y);
    },
  },
];

describe.each(CASES)("PTQ of $name", ({ graph, check, name }) => {
  const float = graph();
  const rng = new Rng(11);
  const calib = randomInputs(rng, 24, H * H * C);
  const inputs = randomInputs(rng, 8, H * H * C);
  // Calibrated on a set that covers the inputs checked below, so the error measured is rounding, not clipping.
  const int8 = quantizePtq(float, [...calib, ...inputs], { method: "minmax" });

  it("is all int8 and follows TFLite's parameter rules", () => {
    for (const op of int8.ops) for (const t of op.outputs) expect(int8.tensors[t]!.dtype).toBe("i8");
    check?.(int8);
  });

  it("runs in our engine and stays close to the float graph", () => {
    const f = prepareModel(float);
    const q = prepareModel(int8);
    const inQ = int8.tensors[int8.inputs[0]!]!.quant!;
    const outQ = int8.tensors[int8.outputs[0]!]!.quant!;
    // Rounding noise of one op after a conv: a few % of the signal, and a few % of the output range at worst.
    let noise = 0;
    let signal = 0;
    let worstLsb = 0;
    for (const x of inputs) {
      const want = f.invoke([x]).outputs[0]!;
      const got = dequantizeTensor(q.invoke([quantizeTensor(x, inQ)]).outputs[0]!, outQ);
      for (let i = 0; i < want.length; i++) {
        noise += (got[i]! - want[i]!) ** 2;
        signal += want[i]! ** 2;
        worstLsb = Math.max(worstLsb, Math.abs(got[i]! - want[i]!) / outQ.scale[0]!);
      }
    }
    const relRms = Math.sqrt(noise / signal);
    console.log(`${name}: int8 vs float: rms error ${(100 * relRms).toFixed(2)}% of rms output, max ${worstLsb.toFixed(2)} output LSB`);
    expect(relRms).toBeLessThan(0.04);
    expect(worstLsb / 255).toBeLessThan(0.04);
  });

  it.skipIf(!tfliteInterpreterAvailable())("TFLite's interpreter agrees within 1 LSB on every layer", async () => {
    const r = await compareWithTflite(int8, inputs);
    console.log(`${name} vs TFLite interpreter: ${describeLsb(r)}`);
    expect(r.maxLsb).toBeLessThanOrEqual(1);
  });
});
