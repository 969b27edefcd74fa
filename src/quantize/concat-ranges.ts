/**
 * CONCATENATION copies int8 bytes, so its inputs must carry the output's scale and zero point. As TOCO's
 * "change concat input ranges" did, every input range that is free to move is widened to the union of all
 * the concat's ranges (inputs and output) before any parameters are chosen; then the producers emit on the
 * shared grid directly and no requantization is needed. A range is free when its tensor is the graph input
 * or the output of an op with a calibrated (or shared) output; pools, reshapes and other same-as-input ops
 * pass the widening on to their own input. Fixed ranges (LOGISTIC, SOFTMAX: scale 1/256) cannot move;
 * quantize-graph.ts requantizes those inputs with a QUANTIZE op.
 */
import { constantAsFloat32, producersOf, type Graph } from "../graph/index.js";
import type { Ranges } from "./calibrate.js";
import { INT8_RULES } from "./op-rules.js";

export function unifyConcatRanges(graph: Graph, ranges: Ranges): Ranges {
  const out: Ranges = new Map([...ranges].map(([t, r]) => [t, [r[0], r[1]]]));
  const concats = graph.ops.filter((op) => op.kind === "CONCATENATION");
  if (concats.length === 0) return out;
  const producer = producersOf(graph);
  const ruleOf = (t: number) => (producer[t]! >= 0 ? INT8_RULES[graph.ops[producer[t]!]!.kind] : undefined);
  /** Follows same-as-input ops back to the tensor whose range decides the parameters. */
  const root = (t: number): number => {
    let r = t;
    while (ruleOf(r)?.output.kind === "same-as-input") r = graph.ops[producer[r]!]!.inputs[0]!;
    return r;
  };
  const free = (t: number) => {
    const kind = ruleOf(t)?.output.kind;
    return producer[t]! < 0 ? !graph.tensors[t]!.data : kind === "calibrated" || kind === "shared-with-inputs";
  };
  // Widening can chain (a tensor feeding two concats); each pass only grows ranges, so it settles.
  for (let pass = 0; pass <= concats.length; pass++) {
    let changed = false;
    for (const op of concats) {
      const members = [op.outputs[0]!, ...op.inputs.filter((t) => t >= 0 && !graph.tensors[t]!.data).map(root)];
      let [lo, hi] = [Infinity, -Infinity];
      for (const t of members) {
        const r = out.get(t);
        if (r) [lo, hi] = [Math.min(lo, r[0]), Math.max(hi, r[1])];
      }
      for (const t of op.inputs.filter((i) => i >= 0 && graph.tensors[i]!.data && graph.tensors[i]!.dtype === "f32")) {
        for (const v of constantAsFloat32(graph.tensors[t]!)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
      for (const t of members.filter(free)) {
        const r = out.get(t);
        if (!r || r[0] !== lo || r[1] !== hi) {
          out.set(t, [lo, hi]);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return out;
}
