/**
 * Patch-based inference (MCUNetV2): the first k windowed layers run once per spatial patch of the stage's
 * output, so only the stage's input and output are held whole and each intermediate needs a patch-sized
 * buffer. Neighbouring patches overlap by the receptive field, which is recomputed: the extra MACs are the price.
 */
import { ArgumentError } from "../errors/index.js";
import { consumersOf, type Graph } from "../graph/index.js";
import { receptiveField, regionArea, windowOpOf, type Region, type WindowOp } from "./window-ops.js";

export interface PatchStep {
  /** Per stage op: the output region it computes in this patch (its input region is the previous op's output). */
  out: Region[];
  /** Per stage op: the input region it reads (op 0 reads the whole stage input tensor). */
  in: Region[];
}

export interface PatchPlan {
  /** The stage's ops, a chain starting at op 0. */
  ops: WindowOp[];
  grid: number;
  steps: PatchStep[];
  /** Bytes of the patch buffer holding each intermediate (outputs of ops[0..k-2]). */
  bufferBytes: number[];
  stageMacs: number;
  patchMacs: number;
  extraMacs: number;
}

/** The longest chain of windowed ops from op 0 whose intermediates have one consumer each: patchable depth. */
export function patchableDepth(graph: Graph): number {
  const consumers = consumersOf(graph);
  let k = 0;
  for (const op of graph.ops) {
    const w = windowOpOf(graph, op);
    if (!w) break;
    if (k > 0 && graph.ops[k - 1]!.outputs[0] !== w.input) break;
    k++;
    const out = w.output;
    if (consumers[out]!.length !== 1 || graph.outputs.includes(out)) break;
  }
  return k;
}

function splitRange(n: number, parts: number, i: number): [number, number] {
  return [Math.floor((i * n) / parts), Math.floor(((i + 1) * n) / parts)];
}

export function planPatches(graph: Graph, depth: number, grid: number): PatchPlan {
  const max = patchableDepth(graph);
  if (!Number.isInteger(depth) || depth < 1 || depth > max) {
    throw new ArgumentError(`patch depth ${depth} is not possible for this model (it has ${max} patchable leading layers)`, `use a depth between 1 and ${max}`);
  }
  const ops = graph.ops.slice(0, depth).map((op) => windowOpOf(graph, op)!);
  const last = ops[depth - 1]!;
  if (!Number.isInteger(grid) || grid < 1 || grid > Math.min(last.outH, last.outW)) {
    throw new ArgumentError(`patch grid ${grid}x${grid} does not fit the stage output ${last.outH}x${last.outW}`, "use a grid between 2 and the stage output's height");
  }
  const steps: PatchStep[] = [];
  const bufferBytes = new Array<number>(depth - 1).fill(0);
  let patchMacs = 0;
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const [y0, y1] = splitRange(last.outH, grid, gy);
      const [x0, x1] = splitRange(last.outW, grid, gx);
      const out: Region[] = new Array(depth);
      const inn: Region[] = new Array(depth);
      let r: Region = { y0, y1, x0, x1 };
      for (let j = depth - 1; j >= 0; j--) {
        out[j] = r;
        inn[j] = receptiveField(ops[j]!, r);
        patchMacs += regionArea(r) * ops[j]!.macsPerPixel;
        if (j < depth - 1) bufferBytes[j] = Math.max(bufferBytes[j]!, regionArea(r) * ops[j]!.outC);
        r = inn[j]!;
      }
      steps.push({ out, in: inn });
    }
  }
  const stageMacs = ops.reduce((s, w) => s + w.outH * w.outW * w.macsPerPixel, 0);
  return { ops, grid, steps, bufferBytes, stageMacs, patchMacs, extraMacs: patchMacs - stageMacs };
}
