/** Pruned FULLY_CONNECTED graphs (int8 and float32) from a seeded Rng, for the sparse routing tests. */
import type { FusedActivation, Graph, OpOptions } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/index.js";
import { singleOpGraph } from "../engine/graph-builder.js";

export type Pattern = number | "2:4";

export interface PrunedFc {
  batch: number;
  inDepth: number;
  outDepth: number;
  pattern: Pattern;
  activation?: FusedActivation;
  /** Output rows whose every weight is pruned. */
  zeroRows?: number[];
  seed?: number;
}

function options(activation: FusedActivation): OpOptions {
  return { type: "FullyConnectedOptions", fusedActivation: activation, weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" };
}

/** 1 = keep: each weight pruned with probability `rate`, or 2 of every 4 kept (positions from the Rng). */
export function pruneMask(rng: Rng, rows: number, cols: number, pattern: Pattern, zeroRows: number[] = []): Uint8Array {
  const mask = new Uint8Array(rows * cols);
  if (pattern === "2:4") {
    for (let g = 0; g < mask.length; g += 4) {
      const a = rng.int(4);
      const b = (a + 1 + rng.int(3)) % 4;
      mask[g + a] = 1;
      mask[g + b] = 1;
    }
  } else {
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < pattern ? 0 : 1;
  }
  for (const r of zeroRows) mask.fill(0, r * cols, (r + 1) * cols);
  return mask;
}

export function prunedFcInt8(s: PrunedFc): { graph: Graph; input: Int8Array } {
  const rng = new Rng(s.seed ?? 1);
  const mask = pruneMask(rng, s.outDepth, s.inDepth, s.pattern, s.zeroRows);
  const w = Int8Array.from(mask, (m) => (m ? rng.int(255) - 127 : 0));
  const bias = Int32Array.from({ length: s.outDepth }, () => rng.int(20001) - 10000);
  const wScales = Array.from({ length: s.outDepth }, () => Math.fround(0.002 + 0.01 * rng.uniform()));
  const input = Int8Array.from({ length: s.batch * s.inDepth }, () => rng.int(256) - 128);
  const graph = singleOpGraph(
    "FULLY_CONNECTED",
    options(s.activation ?? "NONE"),
    [
      { shape: [s.batch, s.inDepth], dtype: "i8", quant: { scale: [0.05], zeroPoint: [-3] } },
      { shape: [s.outDepth, s.inDepth], dtype: "i8", quant: { scale: wScales, zeroPoint: wScales.map(() => 0) }, data: w },
      { shape: [s.outDepth], dtype: "i32", quant: { scale: wScales.map((x) => Math.fround(x * 0.05)), zeroPoint: wScales.map(() => 0) }, data: bias },
    ],
    { shape: [s.batch, s.outDepth], dtype: "i8", quant: { scale: [Math.fround(0.1 * Math.sqrt(s.inDepth))], zeroPoint: [5] } },
  );
  return { graph, input };
}

export function prunedFcF32(s: PrunedFc): { graph: Graph; input: Float32Array } {
  const rng = new Rng(s.seed ?? 1);
  const mask = pruneMask(rng, s.outDepth, s.inDepth, s.pattern, s.zeroRows);
  const w = Float32Array.from(mask, (m) => (m ? rng.normal() : 0));
  const bias = Float32Array.from({ length: s.outDepth }, () => rng.normal());
  const input = Float32Array.from({ length: s.batch * s.inDepth }, () => rng.normal());
  const graph = singleOpGraph(
    "FULLY_CONNECTED",
    options(s.activation ?? "NONE"),
    [
      { shape: [s.batch, s.inDepth], dtype: "f32" },
      { shape: [s.outDepth, s.inDepth], dtype: "f32", data: w },
      { shape: [s.outDepth], dtype: "f32", data: bias },
    ],
    { shape: [s.batch, s.outDepth], dtype: "f32" },
  );
  return { graph, input };
}
