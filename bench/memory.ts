/**
 * Memory benchmark (issue 5): per model, peak SRAM for activations under
 *   - TFLite Micro's measured arena (golden meta.json, arena_used_bytes: planned tensors + TFLM's own structures),
 *   - TFLM's arena modelled: our greedy plan (the head) + TFLM's persistent tail (src/planner/tflm-overhead.ts),
 *   - our reimplementation of TFLM's greedy planner (tensors only, 16-byte aligned),
 *   - dietml: in-place depthwise (+ reshape aliasing), and with patch-based inference (auto-chosen, extra MACs shown),
 * with flash bytes (text+data of the Cortex-M7 build when arm-none-eabi-gcc is present), and instructions per MAC
 * counted under qemu by our plugin (per inference = run with two inputs minus run with one, so startup and
 * exit are excluded). Run: `node dist/bench/memory.js` after `npm run build`, or call benchMemory().
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildInsnPlugin, buildProject, elfSections, generateProject, hasTool, runProject, writeProject } from "../src/codegen/index.js";
import { readTflite, summarizeGraph, type Graph } from "../src/graph/index.js";
import { DEVICES, estimateCost } from "../src/hardware/index.js";
import { choosePatch, planMemory, tflmArenaTotal, type MemoryPlan, type TflmArenaTotal } from "../src/planner/index.js";
import { isEntryPoint } from "../src/cli/entry-point.js";

const MODELS = "/work/shared/models/mlperf-tiny";
const GOLDEN = "/work/shared/golden";

export interface MemoryRow {
  model: string;
  tflmMeasuredArena: number;
  /** TFLM's arena_used_bytes, modelled: greedy head + persistent tail (itemized in `tflmModel`). */
  tflmModelledTotal: number;
  tflmModel: TflmArenaTotal;
  tflmGreedyReimpl: number;
  dietmlInplace: number;
  dietmlPatch: number;
  patch: string;
  patchExtraMacs: number;
  macs: number;
  flashBytes: number;
  flashMeasured: boolean;
  insnsPerInference: number | null;
  insnsPerMac: number | null;
  insnsPerInferencePatch: number | null;
}

/** Instructions of one inference under qemu: (two inferences) - (one inference). */
function insnsPerInference(graph: Graph, plan: MemoryPlan, model: string, plugin: string): { insns: number; flash: number } {
  const dir = mkdtempSync(join(tmpdir(), `dietml-bench-${model}-`));
  writeProject(dir, generateProject(graph, plan, model));
  const elf = buildProject(dir, "arm");
  const input = join(GOLDEN, model, "input_00.bin");
  const one = runProject(dir, "arm", [[input, join(dir, "o1.bin")]], { plugin }).instructions!;
  const two = runProject(dir, "arm", [[input, join(dir, "o1.bin")], [input, join(dir, "o2.bin")]], { plugin }).instructions!;
  const s = elfSections(elf);
  return { insns: two - one, flash: s.text + s.data };
}

function fmt(n: number | null, digits = 0): string {
  return n === null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function benchMemory(options: { models?: string[] } = {}): Promise<MemoryRow[]> {
  const models = options.models ?? ["vww_96_int8", "kws_ref_model"];
  const canQemu = hasTool("arm-none-eabi-gcc") && hasTool("qemu-system-arm") && hasTool("gcc");
  const plugin = canQemu ? buildInsnPlugin(mkdtempSync(join(tmpdir(), "dietml-plugin-"))) : null;
  const rows: MemoryRow[] = [];
  for (const model of models) {
    const graph = readTflite(new Uint8Array(readFileSync(join(MODELS, `${model}.tflite`))));
    const meta = JSON.parse(readFileSync(join(GOLDEN, model, "meta.json"), "utf8")) as { arena_used_bytes: number };
    const tflm = planMemory(graph, { strategy: "tflm" });
    const tflmModel = tflmArenaTotal(graph, tflm.arenaBytes);
    const inplace = planMemory(graph, { strategy: "dietml" });
    const auto = choosePatch(graph);
    const patch = auto && auto.arenaBytes < inplace.arenaBytes ? auto : inplace;
    const macs = summarizeGraph(graph).totals.macs;
    let flashBytes = generateProject(graph, inplace, model).constBytes;
    let flashMeasured = false;
    let insns: number | null = null;
    let insnsPatch: number | null = null;
    if (plugin) {
      const r = insnsPerInference(graph, inplace, model, plugin);
      insns = r.insns;
      flashBytes = r.flash;
      flashMeasured = true;
      if (patch.patch) insnsPatch = insnsPerInference(graph, patch, model, plugin).insns;
    }
    rows.push({
      model,
      tflmMeasuredArena: meta.arena_used_bytes,
      tflmModelledTotal: tflmModel.totalBytes,
      tflmModel,
      tflmGreedyReimpl: tflm.arenaBytes,
      dietmlInplace: inplace.arenaBytes,
      dietmlPatch: patch.arenaBytes,
      patch: patch.patch ? `${patch.patch.ops.length} layers, ${patch.patch.grid}x${patch.patch.grid}` : "none better",
      patchExtraMacs: patch.patch?.extraMacs ?? 0,
      macs,
      flashBytes,
      flashMeasured,
      insnsPerInference: insns,
      insnsPerMac: insns === null ? null : insns / macs,
      insnsPerInferencePatch: insnsPatch,
    });
  }
  printTables(rows, canQemu);
  return rows;
}

function printTables(rows: MemoryRow[], canQemu: boolean): void {
  console.log("\nPeak SRAM for activations (bytes; ratio to TFLite Micro's measured arena)");
  console.log("model          | TFLM measured | TFLM total (modelled) | TFLM greedy (ours) | dietml in-place    | dietml + patch     | patch stage             | flash");
  for (const r of rows) {
    const ratio = (n: number) => `${fmt(n)} (${(n / r.tflmMeasuredArena).toFixed(2)}x)`;
    console.log(
      `${r.model.padEnd(14)} | ${fmt(r.tflmMeasuredArena).padStart(13)} | ${`${ratio(r.tflmModelledTotal)}${r.tflmModel.tail.unmodelled.length ? "+" : ""}`.padStart(21)} | ${ratio(r.tflmGreedyReimpl).padStart(18)} | ${ratio(r.dietmlInplace).padStart(18)} | ${ratio(r.dietmlPatch).padStart(18)} | ${`${r.patch}, +${fmt(r.patchExtraMacs)} MACs`.padEnd(23)} | ${fmt(r.flashBytes)}${r.flashMeasured ? " (ELF text+data)" : " (const tables only)"}`,
    );
  }
  console.log("\nTFLM's arena, modelled (x86-64 build, as the golden was measured): greedy plan of the activations (head) + persistent tail");
  const categories = Object.keys(rows[0]?.tflmModel.tail.byCategory ?? {});
  console.log(`${"bytes".padEnd(32)} | ${rows.map((r) => r.model.padStart(14)).join(" | ")}`);
  const line = (label: string, get: (r: MemoryRow) => number) => console.log(`${label.padEnd(32)} | ${rows.map((r) => fmt(get(r)).padStart(14)).join(" | ")}`);
  line("head: greedy plan", (r) => r.tflmModel.headBytes);
  for (const c of categories) line(`tail: ${c}`, (r) => r.tflmModel.tail.byCategory[c as keyof TflmArenaTotal["tail"]["byCategory"]]);
  line("total (modelled)", (r) => r.tflmModelledTotal);
  line("measured (arena_used_bytes)", (r) => r.tflmMeasuredArena);
  line("measured - modelled", (r) => r.tflmMeasuredArena - r.tflmModelledTotal);
  for (const r of rows) {
    for (const u of r.tflmModel.tail.unmodelled) console.log(`  ${r.model}: op ${u.op} ${u.kind} not modelled (${u.reason}); its total is a lower bound`);
  }
  if (!canQemu) {
    console.log("\n(instructions per MAC skipped: arm-none-eabi-gcc, qemu-system-arm or gcc missing)");
    return;
  }
  console.log("\nInstructions per inference under qemu-system-arm mps2-an500 (Cortex-M7, generated C at -O3 -funroll-loops), counted by tools/qemu-plugin");
  console.log("model          | MACs        | insns/inference | insns/MAC | with patch      | est. latency F746 / H743 (CPI 1 assumed)");
  for (const r of rows) {
    const cal = { instructionsPerMac: r.insnsPerMac!, cyclesPerInstruction: 1, source: "this run" };
    const f7 = estimateCost(r.macs, DEVICES.stm32f746!, cal).latencyMs;
    const h7 = estimateCost(r.macs, DEVICES.stm32h743!, cal).latencyMs;
    console.log(
      `${r.model.padEnd(14)} | ${fmt(r.macs).padStart(11)} | ${fmt(r.insnsPerInference).padStart(15)} | ${fmt(r.insnsPerMac, 2).padStart(9)} | ${fmt(r.insnsPerInferencePatch).padStart(15)} | ${fmt(f7, 1)} ms / ${fmt(h7, 1)} ms`,
    );
  }
}

if (isEntryPoint(import.meta.url)) await benchMemory();
