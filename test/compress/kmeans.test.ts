import { describe, expect, it } from "vitest";
import { applyCodebook, checkClusterBits, kmeansQuantize } from "../../src/compress/kmeans.js";
import { CentroidSgd, clusterGradients } from "../../src/compress/centroid-sgd.js";
import { compressibleLayers } from "../../src/compress/layers.js";
import { magnitudeMask } from "../../src/compress/prune.js";
import { retrain } from "../../src/compress/retrain.js";
import { ArgumentError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import { Rng } from "../../src/tensor/index.js";
import { smallSplit } from "./smallData.js";

describe("k-means weight sharing", () => {
  it("clusters a hand-checked 1-D case with every initialisation", () => {
    const w = Float32Array.from([0, 0.1, 0.9, 1.0, 0.05]);
    for (const init of ["linear", "density", "random"] as const) {
      const book = kmeansQuantize(w, undefined, 1, { init, rng: new Rng(1) });
      expect(Array.from(book.centroids)).toEqual([Math.fround(0.15 / 3), Math.fround(0.95)]);
      expect(Array.from(book.indices)).toEqual([0, 0, 1, 1, 0]);
    }
  });

  it("skips pruned weights and writes them back as exact zeros", () => {
    const w = Float32Array.from([5, -1, 0.001, 1, -0.002, 3]);
    const mask = Uint8Array.from([1, 1, 0, 1, 0, 1]);
    const book = kmeansQuantize(w, mask, 2, { init: "linear" });
    applyCodebook(w, mask, book);
    expect(Array.from(w)).toEqual([5, -1, 0, 1, 0, 3]);
  });

  it("bits outside 1..8 are ArgumentErrors", () => {
    for (const b of [0, 9, 2.5, -1]) expect(() => checkClusterBits(b)).toThrow(ArgumentError);
    expect(() => kmeansQuantize(new Float32Array(4), undefined, 9)).toThrow(ArgumentError);
  });

  it("random initialisation is reproducible from the seed", () => {
    const rng = new Rng(7);
    const w = Float32Array.from({ length: 500 }, () => rng.normal());
    const a = kmeansQuantize(w, undefined, 3, { init: "random", rng: new Rng(2) });
    const b = kmeansQuantize(w, undefined, 3, { init: "random", rng: new Rng(2) });
    expect(a).toEqual(b);
  });

  it("groups gradients by cluster (summed)", () => {
    const grad = Float32Array.from([1, 2, 3, 4]);
    const book = { centroids: new Float32Array(2), indices: Uint8Array.from([0, 1, 1, 0]), bits: 1 };
    expect(Array.from(clusterGradients(grad, { book, mask: undefined }))).toEqual([5, 5]);
    expect(Array.from(clusterGradients(grad, { book, mask: Uint8Array.from([1, 1, 0, 0]) }))).toEqual([1, 2]);
  });

  it("centroid fine-tuning keeps at most 2^bits shared values and the pruning pattern", () => {
    const rng = new Rng(5);
    const model = createModel("lenet300", rng);
    const clustered = new Map();
    for (const layer of compressibleLayers(model)) {
      const mask = magnitudeMask(layer.weight.values, 0.7);
      const book = kmeansQuantize(layer.weight.values, mask, 3, { init: "linear" });
      applyCodebook(layer.weight.values, mask, book);
      clustered.set(layer.name, { book, mask });
    }
    const before = new Map(compressibleLayers(model).map((l) => [l.name, Float32Array.from(clustered.get(l.name).book.centroids)]));
    retrain(model, new CentroidSgd(model.namedParameters(), clustered), smallSplit(256), { epochs: 1, batchSize: 64, lr: 1e-3, rng });
    for (const layer of compressibleLayers(model)) {
      const { book, mask } = clustered.get(layer.name);
      expect(book.centroids).not.toEqual(before.get(layer.name));
      const w = layer.weight.values;
      for (let i = 0; i < w.length; i++) expect(w[i]).toBe(mask[i] === 1 ? book.centroids[book.indices[i]] : 0);
    }
  });
});
