/**
 * `dietml quantize --mode mixed`: per-layer bit-widths under a size budget.
 *
 * evolution (default): NSGA-II over weight bits (--bits, default 8,4,2) and output-activation bits (--act-bits,
 *   default 8,4) per weighted layer; each candidate is quantized, written as .tflite (its bytes are the size)
 *   and run by the int8 engine on the last --search-count training images (its accuracy). The chosen point
 *   is written with 4/2-bit weights packed as TFLite INT4/INT2.
 * greedy: the earlier sensitivity search over weight bits only (float simulation, weights on b-bit grids in
 *   int8 containers; its sizes are packed weight+bias bytes, not file bytes).
 */
import { ArgumentError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import {
  CALIBRATION_DATASETS, calibrate, graphAccuracy, quantizePtq, searchMixedPrecision, withWeightBits, type CalibrationData, type CalibrationMethod,
} from "../../quantize/index.js";
import { engineCostModel } from "../../quantize/mixed/cost-model.js";
import { searchMixedEvolution } from "../../quantize/mixed/evolution.js";
import { quantizeAssignment } from "../../quantize/mixed/quantize-assignment.js";
import { Rng } from "../../tensor/index.js";
import type { CliIo } from "../io.js";

export const MIXED_SEARCHES = ["evolution", "greedy"] as const;

export interface MixedCliOptions {
  calib: string;
  calibration: CalibrationMethod;
  budgetKb?: number;
  bits?: number[];
  actBits: number[];
  search: (typeof MIXED_SEARCHES)[number];
  searchCount: number;
  generations: number;
  population: number;
  seed: number;
}

export interface MixedPointReport {
  weights: number[];
  activations: number[];
  bytes: number;
  searchAccuracy: number;
}

export interface MixedReport {
  search: (typeof MIXED_SEARCHES)[number];
  budgetBytes: number;
  /** What `bytes` counts: the written .tflite (evolution) or packed weight+bias bytes (greedy). */
  bytesOf: "file" | "weights+bias";
  searchImages: number;
  evaluated: number;
  best: MixedPointReport;
  pareto: MixedPointReport[];
}

export function parseBitList(flag: string, allowed: readonly number[]) {
  return (value: string): number[] => {
    const bits = value.split(",").map((v) => Number(v.trim()));
    if (bits.length === 0 || !bits.every((b) => allowed.includes(b))) {
      throw new ArgumentError(`${flag} must be a comma-separated list of ${allowed.join(", ")}; got "${value}"`, `pass e.g. ${flag} ${allowed.slice(0, 2).join(",")}`);
    }
    return [...new Set(bits)];
  };
}

export function quantizeMixed(floatGraph: Graph, data: CalibrationData, opts: MixedCliOptions, io: CliIo): { int8: Graph; mixed: MixedReport } {
  if (opts.budgetKb === undefined) throw new ArgumentError("--mode mixed needs a size budget", "pass --budget-kb, e.g. --budget-kb 30");
  if (!data.train) {
    throw new ArgumentError(`--mode mixed scores candidates on labelled images, but --calib is "${opts.calib}"`, `pass --calib ${CALIBRATION_DATASETS.join(" or --calib ")}`);
  }
  const train = data.train;
  const per = train.imageShape.reduce((a, b) => a * b, 1);
  const n = Math.min(opts.searchCount, train.count);
  const from = train.count - n;
  const search = { images: train.images.subarray(from * per), labels: train.labels.subarray(from), count: n };
  const budgetBytes = Math.floor(opts.budgetKb * 1024);
  const note = `scored on the last ${n} training images (seen in training: optimistic; test accuracy is reported separately)`;
  if (opts.search === "greedy") {
    const choices = opts.bits ?? [8, 6, 4, 3, 2];
    io.stderr(`mixed precision (greedy): weight bits ${choices.join("/")} per layer under ${budgetBytes} weight+bias bytes, ${note}\n`);
    const r = searchMixedPrecision(floatGraph, (g) => graphAccuracy(g, search.images, search.labels, n), { budgetBytes, choices });
    const point = (p: { bits: number[]; bytes: number; accuracy: number }): MixedPointReport => ({
      weights: p.bits, activations: p.bits.map(() => 8), bytes: p.bytes, searchAccuracy: p.accuracy,
    });
    const int8 = quantizePtq(withWeightBits(floatGraph, r.best.bits), data.examples, { method: opts.calibration });
    return { int8, mixed: { search: "greedy", budgetBytes, bytesOf: "weights+bias", searchImages: n, evaluated: r.pareto.length, best: point(r.best), pareto: r.pareto.map(point) } };
  }
  const weightChoices = opts.bits ?? [8, 4, 2];
  io.stderr(`mixed precision (evolution, seed ${opts.seed}): weight bits ${weightChoices.join("/")}, activation bits ${opts.actBits.join("/")} per layer, file under ${budgetBytes} bytes, ${note}\n`);
  const ranges = calibrate(floatGraph, data.examples, { method: opts.calibration });
  const cost = engineCostModel(floatGraph, ranges, search);
  const r = searchMixedEvolution(cost, {
    budgetBytes, rng: new Rng(opts.seed), weightChoices, activationChoices: opts.actBits, population: opts.population, generations: opts.generations,
    onGeneration: (g, evaluated, best) =>
      io.stderr(`generation ${g}: ${evaluated} assignments evaluated; best under budget ${best ? `${best.bytes} bytes, ${(100 * best.accuracy).toFixed(2)}%` : "none yet"}\n`),
  });
  const point = (c: (typeof r.pareto)[number]): MixedPointReport => ({ weights: c.assignment.weights, activations: c.assignment.activations, bytes: c.bytes, searchAccuracy: c.accuracy });
  const int8 = quantizeAssignment(floatGraph, ranges, r.best.assignment);
  return { int8, mixed: { search: "evolution", budgetBytes, bytesOf: "file", searchImages: n, evaluated: r.evaluated, best: point(r.best), pareto: r.pareto.map(point) } };
}

export function describeMixed(m: MixedReport): string[] {
  const what = m.bytesOf === "file" ? "file bytes" : "packed weight+bias bytes";
  const lines = [
    `mixed precision (${m.search}) under ${m.budgetBytes} ${what}: weights [${m.best.weights.join(", ")}] activations [${m.best.activations.join(", ")}] bits per layer, ` +
      `${m.best.bytes} ${what}, accuracy ${(100 * m.best.searchAccuracy).toFixed(2)}% on ${m.searchImages} search images (${m.evaluated} assignments evaluated)`,
    `pareto set (${what}, search accuracy, weight bits / activation bits):`,
  ];
  for (const p of m.pareto) lines.push(`  ${String(p.bytes).padStart(8)}  ${(100 * p.searchAccuracy).toFixed(2).padStart(6)}%  w[${p.weights.join(",")}] a[${p.activations.join(",")}]`);
  return lines;
}
