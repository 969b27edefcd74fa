/** Plain-text rendering of a GraphSummary (the table `dietml inspect` prints). */
import type { GraphSummary, TensorBrief } from "./summary.js";

function shapes(list: TensorBrief[]): string {
  return list.map((t) => `${t.dtype}[${t.shape.join("x")}]`).join(" ");
}

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) => row.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd());
}

export function formatGraphSummary(s: GraphSummary): string {
  const rows = [["#", "op", "inputs -> outputs", "params", "MACs", "act bytes", "weight bytes"]];
  for (const op of s.ops) {
    rows.push([
      String(op.index),
      op.kind,
      `${shapes(op.inputs)} -> ${shapes(op.outputs)}`,
      op.params,
      op.macs.toLocaleString("en-US"),
      op.activationBytes.toLocaleString("en-US"),
      op.weightBytes.toLocaleString("en-US"),
    ]);
  }
  const t = s.totals;
  return [
    `${s.name || "graph"}${s.description ? ` (${s.description})` : ""}`,
    `inputs:  ${shapes(s.inputs)}`,
    `outputs: ${shapes(s.outputs)}`,
    ...pad(rows),
    `total: ${t.ops} ops, ${t.macs.toLocaleString("en-US")} MACs, ${t.weightBytes.toLocaleString("en-US")} weight bytes, ` +
      `${t.activationBytes.toLocaleString("en-US")} activation bytes (no reuse), largest op touches ${t.peakOpActivationBytes.toLocaleString("en-US")} bytes`,
  ].join("\n");
}
