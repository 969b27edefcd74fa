/**
 * Evolutionary mixed-precision search (NSGA-II over bit assignments): genes are each weighted layer's weight
 * bits and output-activation bits; objectives are model bytes (down) and search-set accuracy (up); the size
 * budget (and an optional latency budget) are constraints: a feasible point beats an infeasible one, and
 * of two infeasible points the one nearer the budget wins. Every assignment evaluated is kept, and the
 * result is the Pareto set of all of them plus the most accurate point under the budget.
 *
 * All randomness comes from the Rng passed in, and evaluations are cached by assignment, so the same seed
 * and the same cost model give the same result.
 */
import { ArgumentError } from "../../errors/index.js";
import type { Rng } from "../../tensor/index.js";
import { ACTIVATION_BIT_CHOICES, WEIGHT_BIT_CHOICES, assignmentKey, uniformAssignment, type BitAssignment } from "./assignment.js";
import { bestUnder, paretoFront, type SizeAccuracy } from "./pareto.js";

export interface MixedCostModel {
  /** Weighted layers (genes per side). */
  layers: number;
  /** Bytes of the model file written for this assignment. */
  bytesOf(a: BitAssignment): number;
  /** Top-1 accuracy on the search images. */
  accuracyOf(a: BitAssignment): number;
  /** Modelled inference time in ms (see latency-model.ts); optional. */
  latencyOf?(a: BitAssignment): number;
}

export interface EvolutionOptions {
  budgetBytes: number;
  rng: Rng;
  latencyBudgetMs?: number;
  weightChoices?: readonly number[];
  activationChoices?: readonly number[];
  /** Individuals per generation (default 20). */
  population?: number;
  /** Generations after the first (default 12). */
  generations?: number;
  onGeneration?: (generation: number, evaluated: number, best: MixedCandidate | undefined) => void;
}

export interface MixedCandidate extends SizeAccuracy {
  assignment: BitAssignment;
  latencyMs?: number;
}

export interface EvolutionResult {
  pareto: MixedCandidate[];
  best: MixedCandidate;
  evaluated: number;
  smallestBytes: number;
}

interface Scored {
  c: MixedCandidate;
  violation: number;
  rank: number;
  crowding: number;
}

export function searchMixedEvolution(cost: MixedCostModel, opts: EvolutionOptions): EvolutionResult {
  const wChoices = [...(opts.weightChoices ?? WEIGHT_BIT_CHOICES)].sort((a, b) => b - a);
  const aChoices = [...(opts.activationChoices ?? ACTIVATION_BIT_CHOICES)].sort((a, b) => b - a);
  const L = cost.layers;
  const smallestBytes = cost.bytesOf(uniformAssignment(L, wChoices.at(-1)!, aChoices.at(-1)!));
  if (opts.budgetBytes < smallestBytes) {
    throw new ArgumentError(
      `no bit assignment fits a budget of ${opts.budgetBytes} bytes (${(opts.budgetBytes / 1024).toFixed(1)} KiB): the smallest model, ${wChoices.at(-1)}-bit weights everywhere, is ${smallestBytes} bytes`,
      `raise --budget-kb to at least ${Math.ceil((smallestBytes / 1024) * 10) / 10}, ${wChoices.includes(2) ? "" : "allow 2-bit weights (--bits 8,4,2), "}or prune the model first (dietml compress)`,
    );
  }
  const rng = opts.rng;
  const popSize = opts.population ?? 20;
  const cache = new Map<string, MixedCandidate>();
  const evaluate = (a: BitAssignment): MixedCandidate => {
    const key = assignmentKey(a);
    let c = cache.get(key);
    if (!c) {
      c = { assignment: a, bytes: cost.bytesOf(a), accuracy: cost.accuracyOf(a) };
      if (cost.latencyOf) c.latencyMs = cost.latencyOf(a);
      cache.set(key, c);
    }
    return c;
  };
  const violation = (c: MixedCandidate): number => {
    let v = Math.max(0, c.bytes - opts.budgetBytes) / opts.budgetBytes;
    if (opts.latencyBudgetMs !== undefined && c.latencyMs !== undefined) v += Math.max(0, c.latencyMs - opts.latencyBudgetMs) / opts.latencyBudgetMs;
    return v;
  };
  const pick = (choices: readonly number[]) => choices[rng.int(choices.length)]!;

  // First generation: every uniform assignment (the baselines a mixed point must beat), every one-layer change
  // of a uniform weight width (each layer's sensitivity, as HAQ-style searches probe first), then random ones;
  // the best popSize of them survive.
  const initial: BitAssignment[] = [];
  for (const w of wChoices) for (const a of aChoices) initial.push(uniformAssignment(L, w, a));
  for (const w of wChoices) {
    for (let k = 0; k < L; k++) {
      for (const other of wChoices) {
        if (other === w) continue;
        const a = uniformAssignment(L, w, aChoices[0]!);
        a.weights[k] = other;
        initial.push(a);
      }
    }
  }
  while (initial.length < popSize) initial.push({ weights: Array.from({ length: L }, () => pick(wChoices)), activations: Array.from({ length: L }, () => pick(aChoices)) });
  let population = survivors(dedupe(initial.map(evaluate).map((c) => ({ c, violation: violation(c), rank: 0, crowding: 0 }))), popSize);
  const generations = opts.generations ?? 12;
  opts.onGeneration?.(0, cache.size, bestUnder([...cache.values()], opts.budgetBytes));

  for (let g = 1; g <= generations; g++) {
    const children: Scored[] = [];
    for (let tries = 0; children.length < popSize && tries < popSize * 10; tries++) {
      const child = mutate(crossover(tournament(population, rng).c.assignment, tournament(population, rng).c.assignment, rng), wChoices, aChoices, rng);
      if (cache.has(assignmentKey(child)) && tries < popSize * 5) continue; // prefer unseen assignments
      const c = evaluate(child);
      children.push({ c, violation: violation(c), rank: 0, crowding: 0 });
    }
    population = survivors(dedupe([...population, ...children]), popSize);
    opts.onGeneration?.(g, cache.size, bestUnder([...cache.values()], opts.budgetBytes));
  }

  const all = [...cache.values()];
  const feasible = all.filter((c) => opts.latencyBudgetMs === undefined || c.latencyMs === undefined || c.latencyMs <= opts.latencyBudgetMs);
  const best = bestUnder(feasible, opts.budgetBytes) ?? bestUnder(all, opts.budgetBytes)!;
  return { pareto: paretoFront(all), best, evaluated: all.length, smallestBytes };
}

/** Constraint-dominance: less violation first; among feasible points, Pareto dominance on (bytes, accuracy). */
function beats(p: Scored, q: Scored): boolean {
  if (p.violation !== q.violation) return p.violation < q.violation;
  if (p.violation > 0) return false;
  const a = p.c;
  const b = q.c;
  return a.bytes <= b.bytes && a.accuracy >= b.accuracy && (a.bytes < b.bytes || a.accuracy > b.accuracy);
}

/** Non-dominated sorting into ranks, then crowding distance within each rank (NSGA-II). */
function rankAll(items: Scored[]): Scored[] {
  let remaining = items.slice();
  let rank = 0;
  while (remaining.length > 0) {
    const front = remaining.filter((p) => !remaining.some((q) => q !== p && beats(q, p)));
    for (const p of front) p.rank = rank;
    setCrowding(front);
    remaining = remaining.filter((p) => !front.includes(p));
    rank++;
  }
  return items;
}

function setCrowding(front: Scored[]): void {
  for (const p of front) p.crowding = 0;
  for (const key of ["bytes", "accuracy"] as const) {
    const sorted = front.slice().sort((a, b) => a.c[key] - b.c[key]);
    const span = sorted.at(-1)!.c[key] - sorted[0]!.c[key];
    sorted[0]!.crowding = Infinity;
    sorted.at(-1)!.crowding = Infinity;
    for (let i = 1; i < sorted.length - 1; i++) {
      if (span > 0) sorted[i]!.crowding += (sorted[i + 1]!.c[key] - sorted[i - 1]!.c[key]) / span;
    }
  }
}

function better(p: Scored, q: Scored): boolean {
  return p.rank < q.rank || (p.rank === q.rank && p.crowding > q.crowding);
}

function tournament(pop: Scored[], rng: Rng): Scored {
  const a = pop[rng.int(pop.length)]!;
  const b = pop[rng.int(pop.length)]!;
  return better(b, a) ? b : a;
}

function crossover(x: BitAssignment, y: BitAssignment, rng: Rng): BitAssignment {
  // A layer's weight and activation widths are inherited independently (uniform crossover).
  return {
    weights: x.weights.map((w, i) => (rng.uniform() < 0.5 ? w : y.weights[i]!)),
    activations: x.activations.map((a, i) => (rng.uniform() < 0.5 ? a : y.activations[i]!)),
  };
}

/** Each gene changes with probability 1/genes; at least one always does, so a child is never its parent. */
function mutate(a: BitAssignment, wChoices: readonly number[], aChoices: readonly number[], rng: Rng): BitAssignment {
  const L = a.weights.length;
  const weights = a.weights.slice();
  const activations = a.activations.slice();
  const flip = (arr: number[], i: number, choices: readonly number[]) => {
    const others = choices.filter((c) => c !== arr[i]);
    if (others.length > 0) arr[i] = others[rng.int(others.length)]!;
  };
  let changed = false;
  for (let i = 0; i < L; i++) {
    if (rng.uniform() < 1 / (2 * L)) (flip(weights, i, wChoices), (changed = true));
    if (rng.uniform() < 1 / (2 * L)) (flip(activations, i, aChoices), (changed = true));
  }
  if (!changed) {
    const g = rng.int(2 * L);
    if (g < L) flip(weights, g, wChoices);
    else flip(activations, g - L, aChoices);
  }
  return { weights, activations };
}

function dedupe(items: Scored[]): Scored[] {
  const seen = new Set<string>();
  return items.filter((s) => {
    const k = assignmentKey(s.c.assignment);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** NSGA-II environmental selection: whole ranks first, the last one cut by crowding distance. */
function survivors(items: Scored[], size: number): Scored[] {
  rankAll(items);
  const sorted = items.slice().sort((a, b) => a.rank - b.rank || b.crowding - a.crowding);
  return rankAll(sorted.slice(0, size));
}
