/**
 * `dietml quantize --mode mixed`: per-layer bit-widths under a size budget.
 *
 * evolution (default): NSGA-II over weight bits (--bits, default 8,4,2) and output-activation bits (--act-bits,
 *   default 8,4) per weighted layer; each candidate is quantized, written as .tflite (its bytes are the size)
 *   and run by the int8 engine on the last --search-count training images (its accuracy). The chosen point
 *   is written with 4/2-bit weights packed as TFLite INT4/INT2. The search ranks by --search-metric: top-1
 *   agreement with the float model (default) or top-1 accuracy on the labels; both are reported. Latency per
 *   point is modelled from engine timings (latency-model.ts) and can be bounded with --latency-budget-ms.
 * --finetune-epochs N (checkpoints only): QAT fine-tuning of the chosen assignment at its widths (mixed/qat-mixed.ts).
 * greedy: the earlier sensitivity search over weight bits only (float simulation, weights on b-bit grids in
 *   int8 containers; its sizes are packed weight+bias bytes, not file bytes).
 */
import { loadFashionMnist } from "../../data/index.js";
import { ArgumentError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import { lowerModel } from "../../lower/index.js";
import type { Module } from "../../nn/index.js";
import {
  CALIBRATION_DATASETS, calibrate, graphAccuracy, quantizePtq, searchMixedPrecision, weightedOps, withWeightBits, type CalibrationData, type CalibrationMethod,
} from "../../quantize/index.js";
import { engineCostModel, SEARCH_METRICS, type SearchMetric } from "../../quantize/mixed/cost-model.js";
import { searchMixedEvolution } from "../../quantize/mixed/evolution.js";
import { latencyFromTable, measureLatencyTable } from "../../quantize/mixed/latency-model.js";
import { quantizeAssignment } from "../../quantize/mixed/quantize-assignment.js";
import { uniformAssignment, type BitAssignment } from "../../quantize/mixed/assignment.js";
import { exportQatMixed, qatBitsByName } from "../../quantize/mixed/qat-mixed.js";
import { trainQat } from "../../quantize/qat/train-qat.js";
import { Rng } from "../../tensor/index.js";
import type { CliIo } from "../io.js";

export const MIXED_SEARCHES = ["evolution", "greedy"] as const;
export { SEARCH_METRICS };

export interface MixedCliOptions {
  calib: string;
  calibration: CalibrationMethod;
  budgetKb?: number;
  bits?: number[];
  actBits: number[];
  search: (typeof MIXED_SEARCHES)[number];
  searchCount: number;
  searchMetric: SearchMetric;
  latencyBudgetMs?: number;
  generations: number;
  population: number;
  seed: number;
  finetuneEpochs: number;
  lr: number;
}

export interface MixedPointReport {
  weights: number[];
  activations: number[];
  bytes: number;
  /** Top-1 accuracy on the search images. */
  searchAccuracy: number;
  /** Top-1 agreement with the float model on the search images (evolution only). */
  floatAgreement?: number;
  /** Modelled ms per inference with per-invoke unpacking of packed weights (evolution only). */
  latencyMs?: number;
}

export interface MixedReport {
  search: (typeof MIXED_SEARCHES)[number];
  budgetBytes: number;
  /** What `bytes` counts: the written .tflite (evolution) or packed weight+bias bytes (greedy). */
  bytesOf: "file" | "weights+bias";
  searchImages: number;
  /** What the search ranked by. */
  metric: SearchMetric;
  evaluated: number;
  /** QAT epochs the chosen assignment was fine-tuned for (0: PTQ). */
  finetuneEpochs: number;
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
    return { int8, mixed: { search: "greedy", budgetBytes, bytesOf: "weights+bias", searchImages: n, metric: "accuracy", finetuneEpochs: 0, evaluated: r.pareto.length, best: point(r.best), pareto: r.pareto.map(point) } };
  }
  const weightChoices = opts.bits ?? [8, 4, 2];
  io.stderr(`mixed precision (evolution, seed ${opts.seed}): weight bits ${weightChoices.join("/")}, activation bits ${opts.actBits.join("/")} per layer, file under ${budgetBytes} bytes, ranked by ${opts.searchMetric === "agreement" ? "top-1 agreement with the float model" : "top-1 accuracy"}, ${note}\n`);
  const ranges = calibrate(floatGraph, data.examples, { method: opts.calibration });
  const latency = measureLatencyTable(quantizeAssignment(floatGraph, ranges, uniformAssignment(weightedOps(floatGraph).length, 8)));
  io.stderr(`latency model: int8 kernels ${(latency.int8Ms * 1000).toFixed(1)} us per inference on this engine, plus per-invoke unpacking of packed layers [${latency.unpackMs.map((u) => `${(u[4] * 1000).toFixed(1)}/${(u[2] * 1000).toFixed(1)}`).join(", ")}] us (4/2-bit)\n`);
  const cost = engineCostModel(floatGraph, ranges, search, { metric: opts.searchMetric, latencyOf: latencyFromTable(latency) });
  const r = searchMixedEvolution(cost, {
    budgetBytes, ...(opts.latencyBudgetMs !== undefined ? { latencyBudgetMs: opts.latencyBudgetMs } : {}), rng: new Rng(opts.seed), weightChoices, activationChoices: opts.actBits, population: opts.population, generations: opts.generations,
    onGeneration: (g, evaluated, best) =>
      io.stderr(`generation ${g}: ${evaluated} assignments evaluated; best under budget ${best ? `${best.bytes} bytes, ${opts.searchMetric} ${(100 * best.accuracy).toFixed(2)}%` : "none yet"}\n`),
  });
  const point = (c: (typeof r.pareto)[number]): MixedPointReport => {
    const s = cost.scoresOf(c.assignment);
    return { weights: c.assignment.weights, activations: c.assignment.activations, bytes: c.bytes, searchAccuracy: s.accuracy, floatAgreement: s.agreement, latencyMs: c.latencyMs! };
  };
  const int8 = quantizeAssignment(floatGraph, ranges, r.best.assignment);
  return { int8, mixed: { search: "evolution", budgetBytes, bytesOf: "file", searchImages: n, metric: opts.searchMetric, finetuneEpochs: 0, evaluated: r.evaluated, best: point(r.best), pareto: r.pareto.map(point) } };
}

/** QAT fine-tuning of the chosen assignment (weights and outputs at their widths), exported packed. */
export function finetuneMixed(module: Module, inputShape: [number, number, number], a: BitAssignment, opts: MixedCliOptions, io: CliIo): Graph {
  if (!(CALIBRATION_DATASETS as readonly string[]).includes(opts.calib)) {
    throw new ArgumentError(`--finetune-epochs trains on a labelled dataset, but --calib is "${opts.calib}"`, `pass --calib ${CALIBRATION_DATASETS.join(" or --calib ")}`);
  }
  const split = loadFashionMnist({ subset: opts.calib === "fashion-mnist-subset", normalize: true });
  io.stderr(`QAT fine-tuning of the chosen assignment for ${opts.finetuneEpochs} epoch(s)\n`);
  const { qat } = trainQat(module, split, {
    epochs: opts.finetuneEpochs, lr: opts.lr, rng: new Rng(opts.seed), bits: qatBitsByName(lowerModel(module, inputShape), a),
    onEpoch: (e) => io.stderr(`QAT epoch ${e.epoch}: train acc ${(100 * e.trainAccuracy).toFixed(2)}% | test acc ${(100 * e.testAccuracy).toFixed(2)}%\n`),
  });
  return exportQatMixed(qat, a);
}

export function describeMixed(m: MixedReport): string[] {
  const what = m.bytesOf === "file" ? "file bytes" : "packed weight+bias bytes";
  const lines = [
    `mixed precision (${m.search}) under ${m.budgetBytes} ${what}: weights [${m.best.weights.join(", ")}] activations [${m.best.activations.join(", ")}] bits per layer, ` +
      `${m.best.bytes} ${what}, on ${m.searchImages} search images: accuracy ${pct(m.best.searchAccuracy)}, agreement with float ${pct(m.best.floatAgreement)} (ranked by ${m.metric}; ${m.evaluated} assignments evaluated)`,
    ...(m.finetuneEpochs > 0 ? [`the chosen assignment was then fine-tuned with QAT for ${m.finetuneEpochs} epoch(s); the written file is the fine-tuned one`] : []),
    `pareto set by ${m.metric} (${what}, accuracy, agreement with float, modelled latency, weight bits / activation bits):`,
  ];
  for (const p of m.pareto) {
    const us = p.latencyMs === undefined ? "-" : `${(p.latencyMs * 1000).toFixed(1)} us`;
    lines.push(`  ${String(p.bytes).padStart(8)}  ${pct(p.searchAccuracy).padStart(7)}  ${pct(p.floatAgreement).padStart(7)}  ${us.padStart(10)}  w[${p.weights.join(",")}] a[${p.activations.join(",")}]`);
  }
  return lines;
}

function pct(v: number | undefined): string {
  return v === undefined ? "-" : `${(100 * v).toFixed(2)}%`;
}
