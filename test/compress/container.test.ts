import { describe, expect, it } from "vitest";
import { decodeModel } from "../../src/compress/container-decode.js";
import { applyCodebook, kmeansQuantize } from "../../src/compress/kmeans.js";
import { compressibleLayers } from "../../src/compress/layers.js";
import { encodeModule, loadDecoded, type ClusterState } from "../../src/compress/model-codec.js";
import { magnitudeMask } from "../../src/compress/prune.js";
import { FileFormatError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import type { Module } from "../../src/nn/index.js";
import { Rng } from "../../src/tensor/index.js";

function compressedModel(name: string, seed: number): { model: Module; clustered: Map<string, ClusterState> } {
  const model = createModel(name, new Rng(seed));
  const clustered = new Map<string, ClusterState>();
  for (const layer of compressibleLayers(model)) {
    const mask = magnitudeMask(layer.weight.values, layer.kind === "conv" ? 0.5 : 0.92);
    const book = kmeansQuantize(layer.weight.values, mask, layer.kind === "conv" ? 8 : 5, { init: "random", rng: new Rng(seed + 1) });
    applyCodebook(layer.weight.values, mask, book);
    clustered.set(layer.name, { book, mask });
  }
  return { model, clustered };
}

describe(".dmlz container", () => {
  for (const name of ["lenet300", "lenet5"]) {
    it(`decode(encode(${name})) equals the pruned+clustered model exactly`, () => {
      const { model, clustered } = compressedModel(name, 11);
      const encoded = encodeModule(model, clustered, { model: name });
      const decoded = decodeModel(encoded.bytes, "m.dmlz");
      expect(decoded.metadata).toEqual({ model: name });
      const fresh = createModel(name, new Rng(99));
      loadDecoded(fresh, decoded);
      const want = model.stateDict();
      for (const [key, t] of fresh.stateDict()) expect(t.data).toEqual(want.get(key)!.data);
      // section sizes add up to the file (16-byte header + metadata section)
      const sections = [...encoded.sectionBytes.values()].reduce((a, b) => a + b, 0);
      expect(sections + 16 + 8 + JSON.stringify({ model: name }).length).toBe(encoded.bytes.length);
    });
  }

  it("stores only the centroids kept weights use (a small 8-bit layer does not pay for 256)", () => {
    const { model, clustered } = compressedModel("lenet5", 11);
    const encoded = encodeModule(model, clustered, {});
    // conv1: 150 weights, 75 kept; 256 centroids alone would take 1,024 bytes
    expect(encoded.sectionBytes.get("conv1.weight")!).toBeLessThan(600);
  });

  it("same seed, same bytes; another seed, other bytes", () => {
    const a = compressedModel("lenet300", 4);
    const b = compressedModel("lenet300", 4);
    const c = compressedModel("lenet300", 5);
    const bytesA = encodeModule(a.model, a.clustered, {}).bytes;
    expect(encodeModule(b.model, b.clustered, {}).bytes).toEqual(bytesA);
    expect(encodeModule(c.model, c.clustered, {}).bytes).not.toEqual(bytesA);
  });

  it("is much smaller than dense f32 for 92% pruning with 5-bit clusters", () => {
    const { model, clustered } = compressedModel("lenet300", 2);
    const dense = model.parameterCount() * 4;
    expect(dense / encodeModule(model, clustered, {}).bytes.length).toBeGreaterThan(25);
  });

  it("corrupt or truncated files are FileFormatErrors naming the file, section and reason", () => {
    const { model, clustered } = compressedModel("lenet300", 3);
    const bytes = encodeModule(model, clustered, { model: "lenet300" }).bytes;
    const expectError = (b: Uint8Array, pattern: RegExp): void => {
      let err: unknown;
      try {
        decodeModel(b, "bad.dmlz");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toMatch(/^bad\.dmlz: /);
      expect((err as Error).message).toMatch(pattern);
    };
    expectError(bytes.subarray(0, bytes.length - 10), /header: the header says \d+ bytes but the file has/);
    expectError(bytes.subarray(0, 3), /header: magic needs 4 bytes/);
    const magic = bytes.slice();
    magic[0] = 0;
    expectError(magic, /bad magic/);
    const version = bytes.slice();
    version[4] = 9;
    expectError(version, /version 9/);
    const flipped = bytes.slice();
    flipped[bytes.length - 200] ^= 0x10;
    expectError(flipped, /section \d+: CRC-32 mismatch/);
    // a corrupted length field: the section's payload runs past the end
    const length = bytes.slice();
    length[16 + 3] = 0x7f;
    expectError(length, /section 0: payload needs \d+ bytes/);
    // random single-byte corruption anywhere is always a typed error, never a crash or a silent success
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const b = bytes.slice();
      b[rng.int(b.length)] ^= 1 + rng.int(255);
      expect(() => decodeModel(b, "bad.dmlz")).toThrow(FileFormatError);
    }
  });
});
