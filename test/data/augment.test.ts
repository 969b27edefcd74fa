import { describe, expect, it } from "vitest";
import { augmentImages } from "../../src/data/augment.js";
import { DataLoader } from "../../src/data/loader.js";
import { ArgumentError } from "../../src/errors/index.js";
import { Rng, type Rng as RngType } from "../../src/tensor/index.js";

/** An Rng stub returning scripted uniforms (flip draws uniform(), shifts draw int() = floor(uniform * n)). */
function scripted(values: number[]): RngType {
  const rng = new Rng(0);
  let i = 0;
  rng.uniform = () => values[i++]!;
  rng.int = (n: number) => Math.floor(values[i++]! * n);
  return rng;
}

// one 3x4 single-channel image, pixels 1..12
const image = () => Float32Array.from({ length: 12 }, (_, i) => i + 1);

describe("augmentImages", () => {
  it("mirrors left-right", () => {
    const img = image();
    augmentImages(img, 1, 3, 4, 1, scripted([0.1]), { flip: true });
    expect(Array.from(img)).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]);
  });

  it("leaves the image alone when the coin says no flip", () => {
    const img = image();
    augmentImages(img, 1, 3, 4, 1, scripted([0.9]), { flip: true });
    expect(Array.from(img)).toEqual(Array.from(image()));
  });

  it("shifts down by 1 and left by 1, filling with the background", () => {
    const img = image();
    // shift 1: int(3) draws -> offsets (0.9 -> 2 -> +1 down), (0.1 -> 0 -> -1 left)
    augmentImages(img, 1, 3, 4, 1, scripted([0.9, 0.1]), { shift: 1, fill: -5 });
    expect(Array.from(img)).toEqual([-5, -5, -5, -5, 2, 3, 4, -5, 6, 7, 8, -5]);
  });

  it("flips then shifts, per channel, per image", () => {
    const two = Float32Array.from({ length: 2 * 2 * 2 * 2 }, (_, i) => i); // 2 images of 2x2x2
    // image 0: flip (0.2), dy 0 (0.5 -> 1 -> 0), dx +1 (0.9 -> 2 -> +1); image 1: no flip, no shift
    augmentImages(two, 2, 2, 2, 2, scripted([0.2, 0.5, 0.9, 0.7, 0.5, 0.5]), { flip: true, shift: 1 });
    // image 0 mirrored rows: [2,3,0,1 | 6,7,4,5]; shifted right by 1: first column empty (0 fill)
    expect(Array.from(two.subarray(0, 8))).toEqual([0, 0, 2, 3, 0, 0, 6, 7]);
    expect(Array.from(two.subarray(8))).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });
});

describe("augmentation in the DataLoader", () => {
  const dataset = { name: "t", images: Float32Array.from({ length: 6 * 12 }, (_, i) => i % 12), labels: new Int32Array(6), count: 6, imageShape: [3, 4, 1] as const, numClasses: 2 };

  it("is deterministic for a seed and keeps every pixel value from the image or the fill", () => {
    const run = () => [...new DataLoader(dataset, { batchSize: 4, shuffleRng: new Rng(9), augment: { flip: true, shift: 1, fill: -1 } }).epoch()].map((b) => Array.from(b.inputs.data));
    const a = run();
    expect(run()).toEqual(a);
    for (const v of a.flat()) expect(v === -1 || (v >= 0 && v < 12)).toBe(true);
    expect(a.flat().some((v) => v === -1)).toBe(true);
  });

  it("needs an Rng", () => {
    expect(() => new DataLoader(dataset, { batchSize: 2, augment: { flip: true } })).toThrow(ArgumentError);
  });
});
