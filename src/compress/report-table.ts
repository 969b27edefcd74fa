/** The per-layer compression table (like Deep Compression's Tables 2/3) as aligned text. */
import type { CompressReport } from "./pipeline.js";

export function formatCompressTable(r: CompressReport): string[] {
  const header = ["layer", "weights", "kept %", "bits", "index bits", "bytes before", "bytes after", "ratio"];
  const rows = r.layers.map((l) => [
    l.layer, String(l.weights), l.keptPercent.toFixed(1), l.clusterBits === null ? "f32" : String(l.clusterBits),
    l.indexBits === null ? "-" : String(l.indexBits), String(l.bytesBefore), String(l.bytesAfter), `${l.ratio.toFixed(1)}x`,
  ]);
  const kept = r.layers.reduce((n, l) => n + (l.weights * l.keptPercent) / 100, 0);
  const weights = r.layers.reduce((n, l) => n + l.weights, 0);
  rows.push(["total (file)", String(weights), ((100 * kept) / weights).toFixed(1), "", "", String(r.originalBytes), String(r.compressedBytes), `${r.ratio.toFixed(1)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const a = r.accuracy;
  const acc = (x: number): string => `${(100 * x).toFixed(2)}%`;
  return [
    line(header),
    ...rows.map(line),
    "(total bytes after = the whole file: header, metadata and section framing included)",
    `test accuracy: original ${acc(a.original)}, pruned ${acc(a.pruned)}, clustered ${acc(a.clustered)}, decoded file ${acc(a.decoded)}` +
      ` (loss ${(100 * (a.original - a.decoded)).toFixed(2)} points)`,
  ];
}
