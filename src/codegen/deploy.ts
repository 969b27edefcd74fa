/**
 * deployModel: plan memory (TFLM baseline for comparison, dietml's plan for the build), check the device's
 * limits, write the C project, measure flash from the Cortex-M build when the toolchain is present.
 */
import { ArgumentError } from "../errors/index.js";
import { summarizeGraph, type Graph } from "../graph/index.js";
import { estimateCost, type DeviceProfile } from "../hardware/index.js";
import { checkFit, choosePatch, planMemory, tflmArenaTotal, type MemoryPlan, type TflmTailCategory } from "../planner/index.js";
import { generateProject, writeProject } from "./project.js";
import { buildProject, elfSections, hasTool } from "./toolchain.js";

export type PatchChoice = { mode: "off" } | { mode: "auto" } | { mode: "fixed"; depth: number; grid: number };

/** "off", "auto" or DEPTHxGRID (e.g. 4x5: the first 4 layers on a 5x5 grid of patches). */
export function parsePatch(text: string | undefined): PatchChoice {
  if (text === undefined || text === "off") return { mode: "off" };
  if (text === "auto") return { mode: "auto" };
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new ArgumentError(`--patch ${text} is not understood`, "use --patch auto, --patch off, or --patch DEPTHxGRID such as 4x5");
  return { mode: "fixed", depth: Number(m[1]), grid: Number(m[2]) };
}

export interface DeployReport {
  name: string;
  device: string;
  out: string;
  peak_sram_bytes: number;
  scratch_bytes: number;
  flash_bytes: number;
  flash_measured: boolean;
  /** Sections of the Cortex-M7 build when it was built (bss holds the arena plus the C library's state). */
  elf_sections: { text: number; data: number; bss: number } | null;
  const_bytes: number;
  /** Our reimplementation of TFLM's greedy planner: the planned activations (TFLM's arena head). */
  baseline_tflm_arena_bytes: number;
  /** TFLM's arena_used_bytes, modelled: that head plus TFLM's persistent tail (x86-64 build), itemized below. */
  baseline_tflm_total_bytes: number;
  baseline_tflm_itemized: {
    abi: string;
    head_bytes: number;
    tail_bytes: number;
    tail_by_category: Record<TflmTailCategory, number>;
    op_data_by_kind: Record<string, number>;
    /** Ops whose kernel allocations are not modelled (the total is then a lower bound). */
    unmodelled_ops: { op: number; kind: string; reason: string }[];
  };
  fits: boolean;
  sram_limit_bytes: number;
  flash_limit_bytes: number;
  peak_layer: { op: number; kind: string };
  /** Per op: activation bytes alive while it runs (scratch included). */
  memory_by_op: { op: number; kind: string; live_bytes: number }[];
  inplace_depthwise_ops: number;
  inplace_pointwise_ops: number;
  patch: { depth: number; grid: number; extra_macs: number; stage_macs: number } | null;
  macs: number;
  estimate: { latency_ms: number; energy_mj: number; note: string };
}

export function planFor(graph: Graph, patch: PatchChoice): MemoryPlan {
  if (patch.mode === "off") return planMemory(graph, { strategy: "dietml" });
  if (patch.mode === "fixed") return planMemory(graph, { strategy: "dietml", patch: { depth: patch.depth, grid: patch.grid } });
  const best = choosePatch(graph);
  const plain = planMemory(graph, { strategy: "dietml" });
  return best && best.arenaBytes < plain.arenaBytes ? best : plain;
}

export function deployModel(graph: Graph, name: string, device: DeviceProfile, outDir: string, patch: PatchChoice): { report: DeployReport; plan: MemoryPlan } {
  const plan = planFor(graph, patch);
  const baseline = planMemory(graph, { strategy: "tflm" });
  const tflm = tflmArenaTotal(graph, baseline.arenaBytes);
  const project = generateProject(graph, plan, name);
  const limits = { device: device.name, sramBytes: device.sramBytes, flashBytes: device.flashBytes };
  checkFit(graph, plan, project.constBytes, limits);
  writeProject(outDir, project);
  let flash = project.constBytes;
  let measured = false;
  let sections: { text: number; data: number; bss: number } | null = null;
  if (hasTool("arm-none-eabi-gcc") && hasTool("arm-none-eabi-size")) {
    const s = elfSections(buildProject(outDir, "arm"));
    flash = s.text + s.data;
    measured = true;
    sections = s;
    checkFit(graph, plan, flash, limits);
  }
  const macs = summarizeGraph(graph).totals.macs + (plan.patch?.extraMacs ?? 0);
  const cost = estimateCost(macs, device);
  const op = graph.ops[plan.peak.op]!;
  return {
    plan,
    report: {
      name,
      device: device.id,
      out: outDir,
      peak_sram_bytes: plan.arenaBytes,
      scratch_bytes: plan.scratchBytes,
      flash_bytes: flash,
      flash_measured: measured,
      elf_sections: sections,
      const_bytes: project.constBytes,
      baseline_tflm_arena_bytes: baseline.arenaBytes,
      baseline_tflm_total_bytes: tflm.totalBytes,
      baseline_tflm_itemized: {
        abi: tflm.tail.abi,
        head_bytes: tflm.headBytes,
        tail_bytes: tflm.tail.bytes,
        tail_by_category: tflm.tail.byCategory,
        op_data_by_kind: tflm.tail.opDataByKind,
        unmodelled_ops: tflm.tail.unmodelled,
      },
      fits: true,
      sram_limit_bytes: device.sramBytes,
      flash_limit_bytes: device.flashBytes,
      peak_layer: { op: op.index, kind: op.kind },
      memory_by_op: plan.byOp.map((b) => ({ op: b.op, kind: graph.ops[b.op]?.kind ?? "", live_bytes: b.liveBytes })),
      inplace_depthwise_ops: plan.inplaceDepthwise.size,
      inplace_pointwise_ops: plan.inplacePointwise.size,
      patch: plan.patch ? { depth: plan.patch.ops.length, grid: plan.patch.grid, extra_macs: plan.patch.extraMacs, stage_macs: plan.patch.stageMacs } : null,
      macs,
      estimate: { latency_ms: cost.latencyMs, energy_mj: cost.energyMj, note: "estimate: instructions/MAC from our qemu runs, CPI 1 and nominal power assumed" },
    },
  };
}
