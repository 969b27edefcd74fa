/** Our int8 engine vs TFLite's interpreter on a quantized graph, layer by layer (XNNPACK may differ by 1 LSB) and end to end. */
import { prepareModel } from "../../src/engine/index.js";
import type { Graph } from "../../src/graph/index.js";
import { InterpreterReference } from "../../src/peers/interpreter-reference.js";
import { quantizeTensor } from "../../src/quantize/index.js";

export interface LsbReport {
  /** Per layer, each op fed the interpreter's own inputs (so a 1-LSB difference does not compound). */
  maxLsb: number;
  differing: number;
  total: number;
  /** End to end on the final output, where per-layer differences may compound. */
  endToEndMaxLsb: number;
  endToEndDiffering: number;
  endToEndTotal: number;
}

/** Our engine vs TFLite's interpreter on the same int8 inputs, layer by layer and end to end. */
export async function compareWithTflite(graph: Graph, inputs: readonly Float32Array[]): Promise<LsbReport> {
  const interp = await InterpreterReference.create(graph);
  const ours = prepareModel(graph);
  const inputIndex = graph.inputs[0]!;
  const q = graph.tensors[inputIndex]!.quant!;
  const r: LsbReport = { maxLsb: 0, differing: 0, total: 0, endToEndMaxLsb: 0, endToEndDiffering: 0, endToEndTotal: 0 };
  for (const x of inputs) {
    const xi = quantizeTensor(x, q);
    const refOf = interp.run([xi]);
    for (const op of graph.ops) {
      const feeds = op.inputs.filter((t) => t >= 0 && !graph.tensors[t]!.data).map((t) => refOf.get(t)!);
      const [got] = ours.runOp(op.index, feeds);
      const want = refOf.get(op.outputs[0]!)!;
      for (let k = 0; k < want.length; k++) {
        const d = Math.abs(got![k]! - want[k]!);
        r.maxLsb = Math.max(r.maxLsb, d);
        if (d) r.differing++;
      }
      r.total += want.length;
    }
    const a = ours.invoke([xi]).outputs[0]!;
    const b = refOf.get(graph.outputs[0]!)!;
    for (let k = 0; k < a.length; k++) {
      const d = Math.abs(a[k]! - b[k]!);
      r.endToEndMaxLsb = Math.max(r.endToEndMaxLsb, d);
      if (d) r.endToEndDiffering++;
      r.endToEndTotal++;
    }
  }
  interp.dispose();
  return r;
}

export function describeLsb(r: LsbReport): string {
  return `per layer max ${r.maxLsb} LSB, ${r.differing}/${r.total} elements differ (${((100 * r.differing) / r.total).toFixed(2)}%); ` +
    `end to end max ${r.endToEndMaxLsb} LSB, ${r.endToEndDiffering}/${r.endToEndTotal} outputs differ`;
}

