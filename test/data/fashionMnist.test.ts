import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetMissingError } from "../../src/errors/index.js";
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD, loadFashionMnist } from "../../src/data/fashionMnist.js";
import { DataLoader } from "../../src/data/loader.js";
import { Rng } from "../../src/tensor/index.js";

describe("Fashion-MNIST", () => {
  const split = loadFashionMnist({ subset: true });

  it("loads the bundled subset as NHWC f32 in [0, 1] with labels 0..9", () => {
    expect(split.train.count).toBe(5000);
    expect(split.test.count).toBe(1000);
    expect(split.train.imageShape).toEqual([28, 28, 1]);
    expect(split.train.images.length).toBe(5000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of split.train.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const perClass = new Array(10).fill(0);
    for (const l of split.train.labels) perClass[l]++;
    // every class is present in a reasonable share
    for (const n of perClass) expect(n).toBeGreaterThan(350);
    // known first labels of the Fashion-MNIST training set: Ankle boot, T-shirt, T-shirt, Dress, T-shirt
    expect(Array.from(split.train.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
  });

  it("standardises with the training mean and std when asked", () => {
    const normalized = loadFashionMnist({ subset: true, normalize: true });
    for (const i of [0, 1000, 123456]) {
      const expected = (split.train.images[i]! - FASHION_MNIST_MEAN) / FASHION_MNIST_STD;
      expect(normalized.train.images[i]).toBeCloseTo(expected, 5);
    }
  });

  it("says how to install the dataset when it is missing", () => {
    const empty = mkdtempSync(join(tmpdir(), "dietml-nodata-"));
    const attempt = () => loadFashionMnist({ dir: empty });
    expect(attempt).toThrow(DatasetMissingError);
    try {
      attempt();
    } catch (err) {
      expect((err as DatasetMissingError).hint).toContain("sudo apt-get install dataset-fashion-mnist");
      expect((err as DatasetMissingError).hint).toContain("DIETML_DATA_DIR");
      expect((err as Error).message).toContain(empty);
    }
  });
});

describe("DataLoader", () => {
  const split = loadFashionMnist({ subset: true });
  const small = { ...split.test, images: split.test.images.subarray(0, 10 * 784), labels: split.test.labels.subarray(0, 10), count: 10 };

  it("keeps the last partial batch and visits every example once", () => {
    const loader = new DataLoader(small, { batchSize: 4, shuffleRng: new Rng(3) });
    const batches = [...loader.epoch()];
    expect(loader.numBatches).toBe(3);
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[0]!.inputs.shape).toEqual([4, 28, 28, 1]);
    // each batch row is one dataset image, together a permutation of the dataset
    const seen = new Set<number>();
    for (const b of batches) {
      for (let i = 0; i < b.size; i++) {
        const row = b.inputs.data.subarray(i * 784, (i + 1) * 784);
        const index = findImage(small.images, row);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(b.labels[i]).toBe(small.labels[index]);
        seen.add(index);
      }
    }
    expect(seen.size).toBe(10);
  });

  it("shuffles the same way for the same seed, differently per epoch, in order without an Rng", () => {
    const labelsOf = (loader: DataLoader) => [...loader.epoch()].flatMap((b) => Array.from(b.labels));
    const a = new DataLoader(split.test, { batchSize: 64, shuffleRng: new Rng(7) });
    const b = new DataLoader(split.test, { batchSize: 64, shuffleRng: new Rng(7) });
    const firstA = labelsOf(a);
    expect(labelsOf(b)).toEqual(firstA);
    expect(labelsOf(a)).not.toEqual(firstA);
    const ordered = new DataLoader(small, { batchSize: 3 });
    expect(labelsOf(ordered)).toEqual(Array.from(small.labels));
  });

  it("flattens for MLPs", () => {
    const loader = new DataLoader(small, { batchSize: 5, flatten: true });
    expect([...loader.epoch()][0]!.inputs.shape).toEqual([5, 784]);
  });
});

function findImage(images: Float32Array, row: Float32Array): number {
  outer: for (let n = 0; n < images.length / 784; n++) {
    for (let j = 0; j < 784; j++) if (images[n * 784 + j] !== row[j]) continue outer;
    return n;
  }
  return -1;
}
