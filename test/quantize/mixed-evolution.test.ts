/**
 * The evolutionary search on a synthetic cost model whose optimum is known: bytes are the sum of per-layer
 * weight widths times layer sizes, accuracy drops with each narrowed layer by a known per-layer penalty.
 * Oracles: brute force over all 3^4 * 2^4 assignments (the best under the budget is found), the Pareto set
 * is non-dominated, the same seed gives the same result, and an impossible budget is a typed error.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors/index.js";
import type { BitAssignment } from "../../src/quantize/mixed/assignment.js";
import { searchMixedEvolution, type MixedCostModel } from "../../src/quantize/mixed/evolution.js";
import { latencyFromTable } from "../../src/quantize/mixed/latency-model.js";
import { bestUnder, dominates } from "../../src/quantize/mixed/pareto.js";
import { Rng } from "../../src/tensor/index.js";

const SIZES = [100, 2000, 40000, 800];
const W_PENALTY: Record<number, number[]> = { 8: [0, 0, 0, 0], 4: [0.05, 0.01, 0.004, 0.02], 2: [0.3, 0.08, 0.03, 0.2] };
const A_PENALTY = [0.02, 0.01, 0.005, 0.04];

const cost: MixedCostModel = {
  layers: 4,
  bytesOf: (a) => 1000 + a.weights.reduce((s, b, i) => s + Math.ceil((SIZES[i]! * b) / 8), 0),
  accuracyOf: (a) => 0.9 - a.weights.reduce((s, b, i) => s + W_PENALTY[b]![i]!, 0) - a.activations.reduce((s, b, i) => s + (b === 4 ? A_PENALTY[i]! : 0), 0),
};

function allAssignments(): BitAssignment[] {
  const out: BitAssignment[] = [];
  for (let code = 0; code < 81 * 16; code++) {
    const w = [0, 1, 2, 3].map((i) => [8, 4, 2][Math.floor(code / 3 ** i) % 3]!);
    const a = [0, 1, 2, 3].map((i) => ((code / 81) >> i) & 1 ? 4 : 8);
    out.push({ weights: w, activations: a });
  }
  return out;
}

describe("searchMixedEvolution", () => {
  const budgetBytes = 14000;
  const brute = bestUnder(allAssignments().map((a) => ({ assignment: a, bytes: cost.bytesOf(a), accuracy: cost.accuracyOf(a) })), budgetBytes)!;

  it("finds the brute-force optimum under the budget and returns a non-dominated Pareto set", () => {
    const r = searchMixedEvolution(cost, { budgetBytes, rng: new Rng(1), population: 16, generations: 15 });
    expect(r.best.bytes).toBeLessThanOrEqual(budgetBytes);
    expect(r.best.accuracy).toBeCloseTo(brute.accuracy, 12);
    expect(r.evaluated).toBeLessThan(81 * 16);
    for (const p of r.pareto) expect(r.pareto.some((q) => dominates(q, p))).toBe(false);
    expect(r.smallestBytes).toBe(cost.bytesOf({ weights: [2, 2, 2, 2], activations: [4, 4, 4, 4] }));
  });

  it("is deterministic for a seed", () => {
    const run = (seed: number) => searchMixedEvolution(cost, { budgetBytes, rng: new Rng(seed), population: 10, generations: 5 });
    expect(run(7)).toEqual(run(7));
  });

  it("respects a latency budget when the cost model has latency", () => {
    const withLatency: MixedCostModel = { ...cost, latencyOf: (a) => a.weights.filter((b) => b < 8).length * 0.1 };
    const r = searchMixedEvolution(withLatency, { budgetBytes: 60000, latencyBudgetMs: 0.15, rng: new Rng(2), population: 12, generations: 8 });
    expect(r.best.latencyMs).toBeLessThanOrEqual(0.15);
    expect(r.best.bytes).toBeLessThanOrEqual(60000);
  });

  it("a budget below the all-narrowest model is a typed error naming both sizes", () => {
    expect(() => searchMixedEvolution(cost, { budgetBytes: 5000, rng: new Rng(1) })).toThrow(ArgumentError);
    expect(() => searchMixedEvolution(cost, { budgetBytes: 5000, rng: new Rng(1) })).toThrow(/budget of 5000 bytes.*is 11725 bytes/);
  });

  it("latency table: int8 time plus each packed layer's unpack time at its width (activation bits cost nothing)", () => {
    const latency = latencyFromTable({ int8Ms: 1, unpackMs: [{ 4: 0.1, 2: 0.2 }, { 4: 0.01, 2: 0.02 }] });
    expect(latency({ weights: [8, 8], activations: [4, 4] })).toBe(1);
    expect(latency({ weights: [4, 2], activations: [8, 8] })).toBeCloseTo(1.12, 12);
  });
});
