/** Shared pieces of the deploy tests: golden files, temp folders, a small all-ops int8 graph, running the engine. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite, type Graph } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { buildGraph, type TensorDef } from "../engine/graph-builder.js";

export const MODELS = "/work/shared/models/mlperf-tiny";
export const GOLDEN = "/work/shared/golden";

export function loadModel(name: string): Graph {
  return readTflite(new Uint8Array(readFileSync(join(MODELS, `${name}.tflite`))));
}

export function goldenPath(model: string, kind: "input" | "output", i: number): string {
  return join(GOLDEN, model, `${kind}_${String(i).padStart(2, "0")}.bin`);
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `dietml-${tag}-`));
}

export function randomInt8(rng: Rng, n: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(256) - 128;
  return a;
}

export function writeBytes(path: string, a: Int8Array): string {
  writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return path;
}

export function readInt8(path: string): Int8Array {
  return new Int8Array(new Uint8Array(readFileSync(path)).buffer);
}

/** Our engine's int8 output for one input (the reference kernels, bit-exact with TFLite Micro). */
export function engineOutput(graph: Graph, input: Int8Array): Int8Array {
  return prepareModel(graph).invoke([input]).outputs[0] as Int8Array;
}

function ints(rng: Rng, n: number, lo: number, hi: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + rng.int(hi - lo + 1);
  return a;
}

function bias(rng: Rng, n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(4001) - 2000;
  return a;
}

/**
 * A small graph exercising what the MLPerf models do not: VALID padding with dilation, per-tensor and per-channel
 * weights, depth multiplier 2, RELU6, MAX_POOL, an ADD of two branches, widening and narrowing 1x1 convs (one with 6 input channels: the dot-product tail),
 * FC and SOFTMAX.
 */
export function mixedGraph(seed = 7): Graph {
  const rng = new Rng(seed);
  const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
  const perChannel = (n: number) => ({ scale: Array.from({ length: n }, () => 0.005 + 0.02 * rng.uniform()), zeroPoint: new Array(n).fill(0), quantizedDimension: 0 });
  const dwScales = (n: number) => ({ ...perChannel(n), quantizedDimension: 3 });
  const t: TensorDef[] = [
    { shape: [1, 13, 11, 4], dtype: "i8", quant: q(0.05, -3) }, // 0 input
    { shape: [6, 3, 3, 4], dtype: "i8", quant: perChannel(6), data: ints(rng, 6 * 36, -127, 127) }, // 1
    { shape: [6], dtype: "i32", data: bias(rng, 6) }, // 2
    { shape: [1, 5, 5, 6], dtype: "i8", quant: q(0.1, 5) }, // 3 conv out (VALID, stride 2, dilation 2 on H)
    { shape: [1, 3, 3, 12], dtype: "i8", quant: dwScales(12), data: ints(rng, 108, -127, 127) }, // 4
    { shape: [12], dtype: "i32", data: bias(rng, 12) }, // 5
    { shape: [1, 5, 5, 12], dtype: "i8", quant: q(0.08, -10) }, // 6 dw out (SAME, dm 2, RELU6)
    { shape: [1, 3, 3, 12], dtype: "i8", quant: q(0.08, -10) }, // 7 max pool
    { shape: [1, 3, 3, 12], dtype: "i8", quant: q(0.08, -10) }, // 8 avg pool
    { shape: [1, 3, 3, 12], dtype: "i8", quant: q(0.12, 3) }, // 9 add
    { shape: [2], dtype: "i32", data: Int32Array.from([1, 72]) }, // 10 reshape shape
    { shape: [1, 72], dtype: "i8", quant: q(0.12, 3) }, // 11
    { shape: [10, 72], dtype: "i8", quant: q(0.01, 0), data: ints(rng, 720, -12, 12) }, // 12 FC weights, per tensor
    { shape: [10], dtype: "i32", data: bias(rng, 10) }, // 13
    { shape: [1, 10], dtype: "i8", quant: q(0.1, 2) }, // 14
    { shape: [1, 10], dtype: "i8", quant: q(1 / 256, -128) }, // 15 softmax
    { shape: [16, 1, 1, 12], dtype: "i8", quant: perChannel(16), data: ints(rng, 192, -127, 127) }, // 16 1x1 conv widening 12 -> 16
    { shape: [16], dtype: "i32", data: bias(rng, 16) }, // 17
    { shape: [1, 3, 3, 16], dtype: "i8", quant: q(0.1, 4) }, // 18
    { shape: [6, 1, 1, 16], dtype: "i8", quant: perChannel(6), data: ints(rng, 96, -127, 127) }, // 19 1x1 conv narrowing 16 -> 6
    { shape: [6], dtype: "i32", data: bias(rng, 6) }, // 20
    { shape: [1, 3, 3, 6], dtype: "i8", quant: q(0.2, -6) }, // 21
    { shape: [8, 1, 1, 6], dtype: "i8", quant: perChannel(8), data: ints(rng, 48, -127, 127) }, // 22 1x1 conv 6 -> 8 (dot-product tail)
    { shape: [8], dtype: "i32", data: bias(rng, 8) }, // 23
    { shape: [1, 3, 3, 8], dtype: "i8", quant: q(0.15, 2) }, // 24
  ];
  const pool = (f: number) => ({ type: "Pool2DOptions" as const, padding: "SAME" as const, strideH: 2, strideW: 2, filterHeight: f, filterWidth: f, fusedActivation: "NONE" as const });
  return buildGraph(t, [
    { kind: "CONV_2D", inputs: [0, 1, 2], outputs: [3], options: { type: "Conv2DOptions", padding: "VALID", strideH: 2, strideW: 2, dilationHFactor: 2, dilationWFactor: 1, fusedActivation: "RELU", quantizedBiasType: "f32" } },
    { kind: "DEPTHWISE_CONV_2D", inputs: [3, 4, 5], outputs: [6], options: { type: "DepthwiseConv2DOptions", padding: "SAME", strideH: 1, strideW: 1, depthMultiplier: 2, dilationHFactor: 1, dilationWFactor: 1, fusedActivation: "RELU6" } },
    { kind: "MAX_POOL_2D", inputs: [6], outputs: [7], options: pool(2) },
    { kind: "AVERAGE_POOL_2D", inputs: [6], outputs: [8], options: pool(3) },
    { kind: "ADD", inputs: [7, 8], outputs: [9], options: { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false } },
    { kind: "CONV_2D", inputs: [9, 16, 17], outputs: [18], options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, dilationHFactor: 1, dilationWFactor: 1, fusedActivation: "NONE", quantizedBiasType: "f32" } },
    { kind: "CONV_2D", inputs: [18, 19, 20], outputs: [21], options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, dilationHFactor: 1, dilationWFactor: 1, fusedActivation: "RELU", quantizedBiasType: "f32" } },
    { kind: "CONV_2D", inputs: [21, 22, 23], outputs: [24], options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, dilationHFactor: 1, dilationWFactor: 1, fusedActivation: "NONE", quantizedBiasType: "f32" } },
    { kind: "RESHAPE", inputs: [24, 10], outputs: [11], options: { type: "None" } },
    { kind: "FULLY_CONNECTED", inputs: [11, 12, 13], outputs: [14], options: { type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" } },
    { kind: "SOFTMAX", inputs: [14], outputs: [15], options: { type: "SoftmaxOptions", beta: 1 } },
  ], [15]);
}

/** mixedGraph without its SOFTMAX: the FC logits are the output, so every value shows (softmax saturates). */
export function mixedGraphLogits(seed = 7): Graph {
  const g = mixedGraph(seed);
  g.ops.pop();
  g.outputs = [g.ops[g.ops.length - 1]!.outputs[0]!];
  return g;
}
