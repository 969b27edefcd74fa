/**
 * `npm run bench [-- part ...]`: runs the benchmark parts in one process and prints their tables.
 * Parts: train (training step vs TensorFlow.js), gemm (GEMM GFLOP/s vs tfjs matMul), engine (int8 inference
 * vs the TFLite interpreter), memory (peak SRAM vs TFLite Micro), sparse (sparse vs dense matmul). No part
 * named: all of them. `--quick` shortens warm-up and timing (smoke test).
 */
import { benchEngine } from "./engine.js";
import { benchGemm } from "./gemm.js";
import { benchMemory } from "./memory.js";
import { benchSparse } from "./sparse.js";
import { benchTrainStep } from "./train-step.js";

type Part = { name: string; run: (quick: boolean) => Promise<unknown> };

const PARTS: Part[] = [
  { name: "train", run: (quick) => benchTrainStep({ quick }) },
  { name: "gemm", run: (quick) => benchGemm(quick ? { sizes: [64, 256], warmupMs: 200, measureMs: 200 } : {}) },
  { name: "engine", run: (quick) => benchEngine(quick ? { quick: true } : {}) },
  { name: "memory", run: () => benchMemory() },
  { name: "sparse", run: (quick) => benchSparse(quick ? { quick: true } : {}) },
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
