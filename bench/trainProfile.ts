/**
 * Where a dietml training step spends its time: forward per layer (timing each child of a Sequential),
 * backward per autograd op (wrapping each tape node's backward), gradient accumulation into parameters, and
 * the optimizer update. Timings of a warm process, averaged over the profiled steps.
 */
import { backward, softmaxCrossEntropy, topologicalOrder, type Node, type Variable } from "../src/autograd/index.js";
import { Sequential, type Module } from "../src/nn/index.js";
import type { Optimizer } from "../src/optim/index.js";

export interface ProfileEntry {
  phase: "forward" | "backward" | "optimizer";
  name: string;
  ms: number;
}

/** Profiles `steps` SGD steps on the given batches; entries are mean ms per step. */
export function profileSteps(model: Module, optimizer: Optimizer, batches: { x: Variable; labels: Int32Array }[], steps: number): ProfileEntry[] {
  const totals = new Map<string, ProfileEntry>();
  const add = (phase: ProfileEntry["phase"], name: string, ms: number): void => {
    const key = `${phase}/${name}`;
    const e = totals.get(key) ?? { phase, name, ms: 0 };
    e.ms += ms;
    totals.set(key, e);
  };
  const layers: [string, Module][] = model instanceof Sequential ? model.layers.map((l) => [l.path, l]) : [["model", model]];
  for (let s = 0; s < steps; s++) {
    const { x, labels } = batches[s % batches.length]!;
    optimizer.zeroGrad();
    let h = x;
    for (const [name, layer] of layers) {
      const t0 = performance.now();
      h = layer.forward(h);
      add("forward", name, performance.now() - t0);
    }
    let t0 = performance.now();
    const loss = softmaxCrossEntropy(h, labels);
    add("forward", "softmaxCrossEntropy", performance.now() - t0);
    let inOps = 0;
    for (const v of topologicalOrder(loss)) {
      const node = v.node as (Node & { backward: Node["backward"] }) | null;
      if (node === null) continue;
      const inner = node.backward;
      (node as { backward: Node["backward"] }).backward = (dy, saved) => {
        const t = performance.now();
        const grads = inner(dy, saved);
        const ms = performance.now() - t;
        inOps += ms;
        add("backward", node.op, ms);
        return grads;
      };
    }
    t0 = performance.now();
    backward(loss);
    add("backward", "(accumulate and bookkeeping)", performance.now() - t0 - inOps);
    t0 = performance.now();
    optimizer.step();
    add("optimizer", optimizer.constructor.name, performance.now() - t0);
  }
  return [...totals.values()].map((e) => ({ ...e, ms: e.ms / steps }));
}

export function formatProfile(title: string, entries: readonly ProfileEntry[]): string {
  const total = entries.reduce((s, e) => s + e.ms, 0);
  const lines = [`${title}: ${total.toFixed(2)} ms/step`];
  for (const phase of ["forward", "backward", "optimizer"] as const) {
    const rows = entries.filter((e) => e.phase === phase).sort((a, b) => b.ms - a.ms);
    const sum = rows.reduce((s, e) => s + e.ms, 0);
    lines.push(`  ${phase.padEnd(10)} ${sum.toFixed(2).padStart(8)} ms  ${pct(sum, total)}`);
    for (const r of rows) if (r.ms >= 0.01 * total) lines.push(`    ${r.name.padEnd(30)} ${r.ms.toFixed(2).padStart(8)} ms  ${pct(r.ms, total)}`);
  }
  return lines.join("\n");
}

function pct(part: number, total: number): string {
  return `${((100 * part) / total).toFixed(1).padStart(5)}%`;
}
