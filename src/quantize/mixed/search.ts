/**
 * Mixed-precision search (greedy, sensitivity-driven): start with every layer at the widest bit-width and
 * repeatedly narrow the one layer whose next step loses the least accuracy per byte saved, until no layer
 * can narrow. Every visited point is kept; the Pareto set (no other point both smaller and more accurate)
 * is returned, with the most accurate point under the budget. A budget below the all-narrowest size is a
 * typed error naming the budget and the smallest size possible.
 */
import { ArgumentError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import { weightBytes, weightedOps, withWeightBits } from "./weight-bits.js";

export interface MixedPoint {
  bits: number[];
  bytes: number;
  accuracy: number;
}

export interface MixedSearchOptions {
  /** Weight bit-widths to choose from (default [8, 4, 2]). */
  choices?: readonly number[];
  budgetBytes: number;
}

export interface MixedSearchResult {
  pareto: MixedPoint[];
  best: MixedPoint;
}

export function searchMixedPrecision(graph: Graph, accuracyOf: (g: Graph) => number, opts: MixedSearchOptions): MixedSearchResult {
  const choices = [...(opts.choices ?? [8, 4, 2])].sort((a, b) => b - a);
  const layers = weightedOps(graph).length;
  const smallest = weightBytes(graph, new Array<number>(layers).fill(choices.at(-1)!));
  if (opts.budgetBytes < smallest) {
    throw new ArgumentError(
      `no bit-width assignment fits ${opts.budgetBytes} bytes: even ${choices.at(-1)}-bit weights everywhere take ${smallest} bytes`,
      `raise the budget to at least ${smallest} bytes, or prune the model first (dietml compress)`,
    );
  }
  const evaluate = (bits: number[]): MixedPoint => ({ bits, bytes: weightBytes(graph, bits), accuracy: accuracyOf(withWeightBits(graph, bits)) });
  let current = evaluate(new Array<number>(layers).fill(choices[0]!));
  const visited = [current];
  for (;;) {
    let next: MixedPoint | null = null;
    let bestScore = -Infinity;
    for (let k = 0; k < layers; k++) {
      const step = choices.indexOf(current.bits[k]!) + 1;
      if (step >= choices.length) continue;
      const bits = current.bits.map((b, i) => (i === k ? choices[step]! : b));
      const cand = evaluate(bits);
      visited.push(cand);
      const score = (cand.accuracy - current.accuracy) / Math.max(1, current.bytes - cand.bytes);
      if (score > bestScore) (bestScore = score), (next = cand);
    }
    if (!next) break;
    current = next;
  }
  const pareto = visited
    .filter((p) => !visited.some((q) => q.bytes <= p.bytes && q.accuracy >= p.accuracy && (q.bytes < p.bytes || q.accuracy > p.accuracy)))
    .sort((a, b) => a.bytes - b.bytes)
    .filter((p, i, all) => all.findIndex((q) => q.bytes === p.bytes && q.accuracy === p.accuracy) === i);
  const fitting = pareto.filter((p) => p.bytes <= opts.budgetBytes);
  const best = fitting.length > 0 ? fitting.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)) : visited.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  return { pareto, best };
}
