/**
 * A real `dietml train` process killed with SIGKILL after its first checkpoint, started again with the same
 * --out, resumes and ends with the same bytes as an uninterrupted run. Spawns the built CLI (`npm test` builds
 * it first; run `npm run build` before running this file alone).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/train/index.js";

const cli = join(import.meta.dirname, "../../dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "dietml-kill-"));
const args = ["train", "--model", "lenet300", "--data", "fashion-mnist-subset", "--epochs", "6", "--seed", "4", "--batch-size", "32"];

function epochsDone(file: string): number {
  try {
    const ck = readCheckpoint(file);
    return ck.complete ? Infinity : ck.epochsDone;
  } catch {
    return 0; // not written yet
  }
}

describe.skipIf(!existsSync(cli))("dietml train killed with SIGKILL", () => {
  it("resumes from its last checkpoint and writes the same bytes as an uninterrupted run", async () => {
    const reference = join(dir, "reference.safetensors");
    const straight = spawnSync(process.execPath, [cli, ...args, "--out", reference], { encoding: "utf8" });
    expect(straight.status, straight.stderr).toBe(0);

    const out = join(dir, "killed.safetensors");
    const child = spawn(process.execPath, [cli, ...args, "--out", out], { stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let done = 0;
    while (done === 0) {
      await new Promise((r) => setTimeout(r, 10));
      done = epochsDone(out);
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const killedAt = epochsDone(out);
    expect(killedAt).toBeGreaterThanOrEqual(1);
    expect(killedAt).toBeLessThan(6);

    const resumed = spawnSync(process.execPath, [cli, ...args, "--out", out, "--json"], { encoding: "utf8" });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).resumedFromEpoch).toBe(killedAt);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  });
});
