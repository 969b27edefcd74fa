/**
 * Interoperability with the reference implementation (Hugging Face's `safetensors` Python package), when it is
 * installed: it reads what we write, and we read what it writes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryToTensor, readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { Tensor } from "../../src/tensor/index.js";

const probe = spawnSync("python3", ["-c", "import safetensors.numpy, numpy"], { encoding: "utf8" });
const havePython = probe.status === 0;

describe.skipIf(!havePython)(".safetensors against the Python reference implementation", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-st-py-"));

  it("the reference reads our file: names, dtypes, shapes, values, metadata", () => {
    const file = join(dir, "ours.safetensors");
    writeSafetensors(file, [
      ["w", new Tensor([2, 3], "f32", Float32Array.of(1, -2, 3.5, 0, 1e-7, -0))],
      ["q", new Tensor([3], "i8", Int8Array.of(-128, 5, 127))],
      ["n", new Tensor([1, 1, 2], "i32", Int32Array.of(-7, 2147483647))],
    ], { epoch: "4" });
    const script = `
import json, sys
from safetensors import safe_open
with safe_open(sys.argv[1], "np") as f:
    print(json.dumps({"meta": f.metadata(), "tensors": {k: [str(f.get_tensor(k).dtype), list(f.get_tensor(k).shape), f.get_tensor(k).flatten().tolist()] for k in f.keys()}}))`;
    const r = spawnSync("python3", ["-c", script, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.meta).toEqual({ epoch: "4" });
    expect(got.tensors.w).toEqual(["float32", [2, 3], [1, -2, 3.5, 0, Math.fround(1e-7), -0]]);
    expect(got.tensors.q).toEqual(["int8", [3], [-128, 5, 127]]);
    expect(got.tensors.n).toEqual(["int32", [1, 1, 2], [-7, 2147483647]]);
  });

  it("we read the reference's file", () => {
    const file = join(dir, "theirs.safetensors");
    const script = `
import sys, numpy as np
from safetensors.numpy import save_file
save_file({"b": np.arange(6, dtype=np.int32).reshape(2, 3), "a": np.array([[0.5, -1.25]], dtype=np.float32)}, sys.argv[1], metadata={"k": "v"})`;
    const r = spawnSync("python3", ["-c", script, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const contents = readSafetensors(file);
    expect(contents.metadata).toEqual({ k: "v" });
    const a = entryToTensor(contents.tensors.get("a")!, "a", file);
    const b = entryToTensor(contents.tensors.get("b")!, "b", file);
    expect([a.dtype, a.shape, Array.from(a.data)]).toEqual(["f32", [1, 2], [0.5, -1.25]]);
    expect([b.dtype, b.shape, Array.from(b.data)]).toEqual(["i32", [2, 3], [0, 1, 2, 3, 4, 5]]);
  });
});
