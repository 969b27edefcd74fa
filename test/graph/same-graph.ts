/** Deep equality of graphs, comparing constant bytes with Buffer.equals (vitest's element walk is slow on MBs). */
import { expect } from "vitest";
import type { Graph } from "../../src/graph/index.js";

function withoutData(g: Graph): unknown {
  return {
    ...g,
    tensors: g.tensors.map(({ data, ...rest }) => ({ ...rest, dataBytes: data?.length })),
    metadata: g.metadata.map((m) => ({ name: m.name, bytes: Array.from(m.data) })),
  };
}

export function expectSameGraph(actual: Graph, expected: Graph): void {
  expect(withoutData(actual)).toEqual(withoutData(expected));
  expected.tensors.forEach((t, i) => {
    const u = actual.tensors[i]!.data;
    if (t.data) expect(u && Buffer.from(u).equals(Buffer.from(t.data)), `tensor ${i} data`).toBe(true);
  });
}
