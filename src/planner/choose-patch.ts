/**
 * Picks the patch depth and grid with the smallest arena whose recomputation stays within a MAC budget
 * (default 5% of the model's MACs; ties: fewest extra MACs), the trade-off MCUNetV2 searches over.
 */
import { ArgumentError } from "../errors/index.js";
import { summarizeGraph, type Graph } from "../graph/index.js";
import { patchableDepth } from "./patch.js";
import { planMemory, type MemoryPlan } from "./plan.js";

export function choosePatch(graph: Graph, maxExtraMacFraction = 0.05, maxGrid = 8): MemoryPlan | null {
  const budget = summarizeGraph(graph).totals.macs * maxExtraMacFraction;
  let best: MemoryPlan | null = null;
  const depth = patchableDepth(graph);
  for (let d = 1; d <= depth; d++) {
    for (let g = 2; g <= maxGrid; g++) {
      let plan: MemoryPlan;
      try {
        plan = planMemory(graph, { strategy: "dietml", patch: { depth: d, grid: g } });
      } catch (e) {
        if (e instanceof ArgumentError) continue; // grid larger than this stage's output
        throw e;
      }
      if (plan.patch!.extraMacs > budget) continue;
      if (!best || plan.arenaBytes < best.arenaBytes || (plan.arenaBytes === best.arenaBytes && plan.patch!.extraMacs < best.patch!.extraMacs)) best = plan;
    }
  }
  return best;
}
