import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { layerCosts, loadDecoded, pruneChannels, readCompressedFile } from "../../src/compress/index.js";
import { createModel } from "../../src/models/index.js";
import type { Sequential } from "../../src/nn/index.js";
import { Rng } from "../../src/tensor/index.js";
import { captureIo } from "../cli/captureIo.js";

const dir = mkdtempSync(join(tmpdir(), "dietml-channel-"));
const weights = join(dir, "l300.safetensors");
const base = (out: string, spec: string): string[] => [
  "compress", weights, "--model", "lenet300", "--data", "fashion-mnist-subset", "--channel-prune", spec,
  "--retrain-epochs", "1", "--seed", "3", "--out", out, "--json",
];

beforeAll(async () => {
  const io = captureIo();
  expect(await runCli(["train", "--model", "lenet300", "--data", "fashion-mnist-subset", "--epochs", "1", "--seed", "1", "--out", weights], io), io.err.join("")).toBe(0);
});

describe("layer costs", () => {
  it("Caffe LeNet-5: parameters and MACs per layer (hand-computed)", () => {
    const costs = layerCosts(createModel("lenet5-caffe", new Rng(1)) as Sequential, [28, 28, 1]);
    expect(costs).toEqual([
      { layer: "conv1", channels: 20, params: 520, macs: 24 * 24 * 20 * 25 },
      { layer: "conv2", channels: 50, params: 25050, macs: 8 * 8 * 50 * 25 * 20 },
      { layer: "fc1", channels: 500, params: 400500, macs: 800 * 500 },
      { layer: "fc2", channels: 10, params: 5010, macs: 500 * 10 },
    ]);
  });
});

describe("dietml compress --channel-prune", () => {
  it("removes channels for real: smaller params and MACs, a file that loads into the slimmer architecture", async () => {
    const out = join(dir, "slim.dmlz");
    const io = captureIo();
    expect(await runCli(base(out, "fc1=0.5,fc2=0.5"), io), io.err.join("")).toBe(0);
    const r = JSON.parse(io.out.join(""));
    const c = r.channelPrune;
    expect(c.layers.map((l: { channelsAfter: number }) => l.channelsAfter)).toEqual([150, 50, 10]);
    expect(c.params).toEqual({ before: 266610, after: 784 * 150 + 150 + 150 * 50 + 50 + 50 * 10 + 10 });
    expect(c.macs).toEqual({ before: 784 * 300 + 300 * 100 + 1000, after: 784 * 150 + 150 * 50 + 500 });
    expect(c.accuracy.retrained).toBeGreaterThan(0.6);
    expect(io.err.join("")).toMatch(/channel pruning: retrain epoch 1\/1/);
    const decoded = readCompressedFile(out);
    expect(new Map(decoded.tensors).get("fc1.weight")!.shape).toEqual([150, 784]);
    const slim = pruneChannels(createModel("lenet300", new Rng(0)) as Sequential, new Map([["fc1", 0.5], ["fc2", 0.5]])).model;
    loadDecoded(slim, decoded); // names and shapes match the slimmer architecture
  });

  it("then Deep Compression on the slimmer model: exact decode, report has both stages", async () => {
    const io = captureIo();
    const args = [...base(join(dir, "both.dmlz"), "fc1=0.5"), "--prune", "fc=0.8", "--prune-steps", "1", "--cluster-bits", "fc=5", "--huffman"];
    expect(await runCli(args, io), io.err.join("")).toBe(0);
    const r = JSON.parse(io.out.join(""));
    expect(r.channelPrune.params.after).toBe(784 * 150 + 150 + 150 * 100 + 100 + 1010);
    expect(r.layers[0]).toMatchObject({ layer: "fc1.weight", weights: 150 * 784, clusterBits: 5 });
    expect(r.decodedEqual).toBe(true);
  });

  for (const [spec, pattern] of [
    ["fc3=0.5", /last layer "fc3"/],
    ["fc9=0.5", /"fc9" is not a layer of this model/],
    ["fc1=1", /outside \[0, 1\)/],
  ] as const) {
    it(`--channel-prune ${spec} is a typed error with exit code 2`, async () => {
      const io = captureIo();
      expect(await runCli(base(join(dir, "x.dmlz"), spec), io)).toBe(2);
      expect(io.err.join("")).toMatch(pattern);
      expect(io.err.join("")).toMatch(/hint: /);
    });
  }

  it("neither --prune nor --channel-prune is a typed error", async () => {
    const io = captureIo();
    const args = base(join(dir, "y.dmlz"), "fc1=0.5").filter((a, i, all) => a !== "--channel-prune" && all[i - 1] !== "--channel-prune");
    expect(await runCli(args, io)).toBe(2);
    expect(io.err.join("")).toMatch(/needs --prune or --channel-prune/);
  });
});
