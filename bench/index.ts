/**
 * `npm run bench [-- part ...]`: runs the benchmark parts in one process and prints their tables.
 * Parts: train (training step vs TensorFlow.js), gemm (GEMM GFLOP/s vs tfjs matMul), engine (int8 inference
 * vs the TFLite interpreter), memory (peak SRAM vs TFLite Micro), sparse (sparse vs dense matmul). No part
 * named: all of them. `--quick` shortens warm-up and timing (smoke test). Parts other than train are loaded
 * only when their modules exist.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchTrainStep } from "./train-step.js";

type Part = { name: string; run: (quick: boolean) => Promise<unknown> };

/** A sibling bench module by file name, when it was built (its engineer may not have written it yet). */
async function optionalModule(file: string): Promise<Record<string, unknown> | null> {
  const url = new URL(`./${file}`, import.meta.url);
  return existsSync(fileURLToPath(url)) ? ((await import(url.href)) as Record<string, unknown>) : null;
}

async function callExport(file: string, fn: string, options: object): Promise<void> {
  const mod = await optionalModule(file);
  const run = mod?.[fn];
  if (typeof run !== "function") {
    console.log(`(skipping ${fn}: bench/${file.replace(/\.js$/, ".ts")} is not there yet)`);
    return;
  }
  await (run as (o: object) => Promise<unknown>)(options);
}

const PARTS: Part[] = [
  { name: "train", run: (quick) => benchTrainStep({ quick }) },
  { name: "gemm", run: (quick) => callExport("gemm.js", "benchGemm", quick ? { sizes: [64, 256], warmupMs: 200, measureMs: 200 } : {}) },
  { name: "engine", run: (quick) => callExport("engine.js", "benchEngine", quick ? { quick: true } : {}) },
  { name: "memory", run: () => callExport("memory.js", "benchMemory", {}) },
  { name: "sparse", run: (quick) => callExport("sparse.js", "benchSparse", quick ? { quick: true } : {}) },
];

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const wanted = argv.filter((a) => !a.startsWith("--"));
  const unknown = wanted.filter((w) => !PARTS.some((p) => p.name === w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark part(s): ${unknown.join(", ")}; choose from ${PARTS.map((p) => p.name).join(", ")}`);
    return 2;
  }
  for (const part of PARTS.filter((p) => wanted.length === 0 || wanted.includes(p.name))) {
    console.log(`\n== ${part.name} ==`);
    await part.run(quick);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
