import { describe, expect, it } from "vitest";
import { formatGraphSummary, readTflite, summarizeGraph } from "../../src/graph/index.js";
import { modelBytes } from "./models.js";

describe("summarizeGraph", () => {
  const vww = summarizeGraph(readTflite(modelBytes("vww_96_int8"), "vww_96_int8"));
  const kws = summarizeGraph(readTflite(modelBytes("kws_ref_model"), "kws_ref_model"));

  it("counts conv MACs as output elements x KH x KW x IC (checked by hand)", () => {
    // 1x48x48x8 output, 3x3x3 filter
    expect(vww.ops[0]!.macs).toBe(48 * 48 * 8 * 3 * 3 * 3);
    // pointwise 1x24x24x32 -> 1x24x24x32
    expect(vww.ops[6]!.macs).toBe(24 * 24 * 32 * 32);
    // DS-CNN first conv: 10x4 kernel, 1 channel, 1x25x5x64 output
    expect(kws.ops[0]!.macs).toBe(25 * 5 * 64 * 10 * 4);
  });

  it("counts depthwise MACs as output elements x KH x KW and FC as units x depth", () => {
    expect(vww.ops[1]!.macs).toBe(48 * 48 * 8 * 9);
    expect(vww.ops[29]!.macs).toBe(2 * 256);
    expect(kws.ops[11]!.macs).toBe(12 * 64);
    expect(vww.ops[27]!.macs).toBe(0); // pooling adds, it does not multiply-accumulate
  });

  it("totals match the published MLPerf Tiny figures (VWW 7.49 M MACs, DS-CNN 2.66 M MACs)", () => {
    expect(vww.totals.macs).toBe(7_489_664);
    expect(kws.totals.macs).toBe(2_656_768);
  });

  it("counts bytes: weights = int8 filter + int32 bias, activations = inputs + outputs", () => {
    const conv = vww.ops[0]!;
    expect(conv.weightBytes).toBe(8 * 27 + 8 * 4);
    expect(conv.activationBytes).toBe(96 * 96 * 3 + 48 * 48 * 8);
    expect(conv.params).toBe("3x3 /2x2 SAME RELU");
    const total = vww.ops.reduce((s, o) => s + o.weightBytes, 0);
    expect(vww.totals.weightBytes).toBe(total); // no shared buffers in this model
  });

  it("renders a table with one row per op and a totals line", () => {
    const text = formatGraphSummary(kws);
    const lines = text.split("\n");
    expect(lines.filter((l) => /^\d+\s/.test(l)).length).toBe(13);
    expect(text).toContain("2,656,768 MACs");
  });
});
