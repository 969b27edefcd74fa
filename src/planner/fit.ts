/** Does a plan fit a device? A typed error that names the peak, the limit, the layer at the peak and what helps. */
import { DietmlError } from "../errors/index.js";
import type { Graph } from "../graph/index.js";
import type { MemoryPlan } from "./plan.js";

export class DoesNotFitError extends DietmlError {
  constructor(message: string, hint: string) {
    super("DOES_NOT_FIT", message, hint);
  }
}

export interface FitLimits {
  device: string;
  sramBytes: number;
  flashBytes: number;
}

/** Throws DoesNotFitError when the arena or the flash image exceeds the device's limits. */
export function checkFit(graph: Graph, plan: MemoryPlan, flashBytes: number, limits: FitLimits): void {
  const op = graph.ops[plan.peak.op];
  const layer = op ? `op ${op.index} (${op.kind})` : "the graph input";
  if (plan.arenaBytes > limits.sramBytes) {
    const helps = plan.patch
      ? "a deeper patch stage or a finer grid (--patch DEPTHxGRID), or a smaller subnet (fewer channels or a lower input resolution)"
      : "patch-based inference for the first layers (--patch auto), or a smaller subnet (fewer channels or a lower input resolution)";
    throw new DoesNotFitError(
      `the model needs ${plan.arenaBytes} bytes of SRAM for activations (peak at ${layer}), but ${limits.device} has ${limits.sramBytes}`,
      `try ${helps}, or a device with more SRAM`,
    );
  }
  if (flashBytes > limits.flashBytes) {
    throw new DoesNotFitError(
      `the model needs ${flashBytes} bytes of flash (weights and code), but ${limits.device} has ${limits.flashBytes}`,
      "use a smaller subnet (fewer channels or layers), prune or share weights, or a device with more flash",
    );
  }
}
