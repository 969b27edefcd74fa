import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { loadDecoded, readCompressedFile } from "../../src/compress/index.js";
import { FileFormatError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import { Rng } from "../../src/tensor/index.js";
import { captureIo } from "../cli/captureIo.js";

const dir = mkdtempSync(join(tmpdir(), "dietml-compress-"));
const weights = join(dir, "l300.safetensors");
const quick = (out: string): string[] => [
  "compress", weights, "--model", "lenet300", "--data", "fashion-mnist-subset", "--prune", "fc1=0.92,fc2=0.91,fc3=0.74",
  "--prune-steps", "2", "--retrain-epochs", "1", "--cluster-bits", "fc=5", "--huffman", "--seed", "2", "--out", out,
];

beforeAll(async () => {
  const io = captureIo();
  const code = await runCli(["train", "--model", "lenet300", "--data", "fashion-mnist-subset", "--epochs", "2", "--seed", "1", "--out", weights], io);
  expect(code, io.err.join("")).toBe(0);
});

describe("dietml compress", () => {
  it("--json reports per-layer rows and a ratio from the bytes written; the file decodes to a working model", async () => {
    const out = join(dir, "m.dmlz");
    const io = captureIo();
    expect(await runCli([...quick(out), "--json"], io), io.err.join("")).toBe(0);
    const r = JSON.parse(io.out.join(""));
    const size = statSync(out).size;
    expect(r.compressedBytes).toBe(size);
    expect(r.originalBytes).toBe(266610 * 4);
    expect(r.ratio).toBeCloseTo(r.originalBytes / size, 9);
    expect(r.ratio).toBeGreaterThan(30);
    expect(r.decodedEqual).toBe(true);
    expect(r.layers.map((l: { layer: string }) => l.layer)).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]);
    expect(r.layers[0]).toMatchObject({ kind: "fc", weights: 235200, clusterBits: 5 });
    expect(r.layers[0].keptPercent).toBeCloseTo(8, 1);
    expect(r.accuracy.decoded).toBeGreaterThan(0.7);
    expect(io.err.join("")).toMatch(/prune round 2: retrain epoch 1\/1/);
    const model = createModel("lenet300", new Rng(0));
    loadDecoded(model, readCompressedFile(out));
    expect(new Set(model.stateDict().get("fc1.weight")!.data).size).toBeLessThanOrEqual(33); // 32 shared values and 0
  });

  it("the same seed writes the same bytes; Huffman beats fixed-width codes", async () => {
    const [a, b, c] = ["a.dmlz", "b.dmlz", "c.dmlz"].map((f) => join(dir, f));
    expect(await runCli(quick(a!), captureIo())).toBe(0);
    expect(await runCli(quick(b!), captureIo())).toBe(0);
    expect(readFileSync(a!).equals(readFileSync(b!))).toBe(true);
    expect(await runCli(quick(c!).filter((x) => x !== "--huffman"), captureIo())).toBe(0);
    expect(statSync(c!).size).toBeGreaterThan(statSync(a!).size);
  });

  it("a bias key clusters the biases too: exact decode, fewer bytes, at most 2^bits distinct biases", async () => {
    const io = captureIo();
    const args = quick(join(dir, "bias.dmlz"));
    args[args.indexOf("--cluster-bits") + 1] = "fc=5,bias=3";
    expect(await runCli([...args, "--json"], io), io.err.join("")).toBe(0);
    const r = JSON.parse(io.out.join(""));
    expect(r.decodedEqual).toBe(true);
    expect(r.layers.find((l: { layer: string }) => l.layer === "fc1.bias")).toMatchObject({ clusterBits: 3, keptPercent: 100 });
    expect(r.compressedBytes).toBeLessThan(statSync(join(dir, "a.dmlz")).size);
    const model = createModel("lenet300", new Rng(0));
    loadDecoded(model, readCompressedFile(join(dir, "bias.dmlz")));
    expect(new Set(model.stateDict().get("fc1.bias")!.data).size).toBeLessThanOrEqual(8);
  });

  it("the human output is the per-layer table", async () => {
    const io = captureIo();
    expect(await runCli(quick(join(dir, "h.dmlz")), io)).toBe(0);
    expect(io.out.join("")).toMatch(/layer\s+weights\s+kept %\s+bits\s+index bits\s+bytes before\s+bytes after\s+ratio/);
    expect(io.out.join("")).toMatch(/total \(file\)/);
  });

  it("--prune auto picks per-layer rates by sensitivity analysis and reports the curves", async () => {
    const io = captureIo();
    const args = quick(join(dir, "auto.dmlz"));
    args[args.indexOf("--prune") + 1] = "auto:3";
    expect(await runCli([...args, "--json"], io), io.err.join("")).toBe(0);
    const r = JSON.parse(io.out.join(""));
    expect(r.sensitivity.layers.map((l: { layer: string }) => l.layer)).toEqual(["fc1", "fc2", "fc3"]);
    for (const l of r.sensitivity.layers) {
      const row = r.layers.find((x: { layer: string }) => x.layer === `${l.layer}.weight`);
      expect(row.keptPercent).toBeCloseTo(100 * (1 - l.chosenRate), 1);
    }
    expect(io.err.join("")).toMatch(/sensitivity analysis picked rates fc1=/);
  });

  for (const [flag, value, pattern] of [
    ["--prune", "auto:-1", /allowed drop/],
    ["--prune", "1.2", /rate 1.2 is outside \[0, 1\)/],
    ["--prune", "fc=-0.1", /outside \[0, 1\)/],
    ["--cluster-bits", "fc=9", /9 is outside 1..8/],
    ["--cluster-bits", "fc=0", /0 is outside 1..8/],
  ] as const) {
    it(`${flag} ${value} is a typed error with exit code 2`, async () => {
      const io = captureIo();
      const args = quick(join(dir, "x.dmlz"));
      args[args.indexOf(flag) + 1] = value;
      expect(await runCli(args, io)).toBe(2);
      expect(io.err.join("")).toMatch(pattern);
      expect(io.err.join("")).toMatch(/hint: /);
    });
  }

  it("a truncated file is a FileFormatError naming the file", () => {
    const bad = join(dir, "t.dmlz");
    writeFileSync(bad, readFileSync(join(dir, "a.dmlz")).subarray(0, 100));
    expect(() => readCompressedFile(bad)).toThrow(FileFormatError);
    expect(() => readCompressedFile(bad)).toThrow(/t\.dmlz: header: the header says/);
  });
});
