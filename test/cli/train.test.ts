import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { readCheckpoint, writeCheckpoint } from "../../src/train/index.js";
import { captureIo } from "./captureIo.js";

const dir = mkdtempSync(join(tmpdir(), "dietml-cli-"));
// A quick run: LeNet-300-100 on the bundled subset, one epoch.
const quick = ["train", "--model", "lenet300", "--data", "fashion-mnist-subset", "--epochs", "1", "--seed", "3", "--batch-size", "128"];

describe("dietml train", () => {
  it("--json prints exactly one JSON object with the final metrics on stdout; logs go to stderr", async () => {
    const io = captureIo();
    const out = join(dir, "m.safetensors");
    const code = await runCli([...quick, "--out", out, "--json"], io);
    expect(code, io.err.join("")).toBe(0);
    const stdout = io.out.join("");
    expect(stdout.trim().split("\n").length).toBe(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ model: "lenet300", data: "fashion-mnist-subset", seed: 3, epochs: 1, batchSize: 128, optimizer: "sgd", weightDecay: 5e-4, augment: "none", out });
    expect(result.testAccuracy).toBeGreaterThan(0.6);
    expect(result.history).toHaveLength(1);
    expect(io.err.join("")).toMatch(/epoch 1: train loss .* test loss .* img\/s/);
    const ck = readCheckpoint(out);
    expect(ck.complete).toBe(true);
    expect(ck.parameters.map(([n]) => n)).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]);
    expect(ck.history[0]!.testAccuracy).toBe(result.testAccuracy);
  });

  it("the same seed writes byte-identical weight files", async () => {
    const a = join(dir, "a.safetensors");
    const b = join(dir, "b.safetensors");
    expect(await runCli([...quick, "--out", a], captureIo())).toBe(0);
    expect(await runCli([...quick, "--out", b], captureIo())).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it("a missing dataset gives the install hint and exit code 2, without a stack trace", async () => {
    const previous = process.env.DIETML_DATA_DIR;
    process.env.DIETML_DATA_DIR = join(dir, "no-such-folder");
    try {
      const io = captureIo();
      const code = await runCli(["train", "--model", "lenet5", "--data", "fashion-mnist", "--out", join(dir, "x.safetensors")], io);
      expect(code).toBe(2);
      const stderr = io.err.join("");
      expect(stderr).toMatch(/^error: Fashion-MNIST not found in .*no-such-folder/m);
      expect(stderr).toMatch(/^hint: .*sudo apt-get install dataset-fashion-mnist/m);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(io.out.join("")).toBe("");
    } finally {
      if (previous === undefined) delete process.env.DIETML_DATA_DIR;
      else process.env.DIETML_DATA_DIR = previous;
    }
  });

  it("a corrupt checkpoint at --out names the file and why (exit 2)", async () => {
    const out = join(dir, "corrupt.safetensors");
    writeFileSync(out, Buffer.concat([Buffer.from([16, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"w": [1, 2, 3]}')]));
    const io = captureIo();
    expect(await runCli([...quick, "--out", out], io)).toBe(2);
    const stderr = io.err.join("");
    expect(stderr).toContain(`error: ${out}: tensor "w": entry is not an object`);
    expect(stderr).toMatch(/^hint: /m);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("will not resume an unfinished run with other settings unless --no-resume is given", async () => {
    const out = join(dir, "other-run.safetensors");
    writeCheckpoint(out, {
      settings: { model: "lenet5", seed: 3 }, epochsDone: 1, complete: false, rngState: [1, 2, 3, 4], history: [],
      parameters: [], buffers: [], optimizer: [],
    });
    const refused = captureIo();
    expect(await runCli([...quick, "--out", out, "--resume"], refused)).toBe(2);
    expect(refused.err.join("")).toMatch(/holds an unfinished run with other settings \(model "lenet5" there vs "lenet300" now/);
    expect(refused.err.join("")).toMatch(/hint: .*--no-resume/);
    expect(await runCli([...quick, "--out", out, "--no-resume"], captureIo())).toBe(0);
    expect(readCheckpoint(out).complete).toBe(true);
  });

  it("bad option values are typed errors with exit code 2", async () => {
    for (const args of [
      ["train", "--model", "resnet", "--out", "x"],
      ["train", "--model", "lenet5", "--epochs", "zero", "--out", "x"],
      ["train", "--model", "lenet5", "--lr", "-1", "--out", "x"],
      ["train", "--model", "lenet5"],
      ["no-such-verb"],
    ]) {
      const io = captureIo();
      expect(await runCli(args, io)).toBe(2);
      expect(io.err.join("")).toMatch(/error/);
    }
  });

  it("--help shows examples", async () => {
    const io = captureIo();
    expect(await runCli(["train", "--help"], io)).toBe(0);
    expect(io.out.join("")).toContain("$ dietml train --model lenet5 --data fashion-mnist-subset");
  });
});
