import { describe, expect, it } from "vitest";
import { magnitudeMask, nmMask, density, checkPruneRate } from "../../src/compress/prune.js";
import { pruneIteratively, pruneNm, roundRate } from "../../src/compress/prune-schedule.js";
import { MaskedSgd } from "../../src/compress/masked-sgd.js";
import { retrain } from "../../src/compress/retrain.js";
import { ArgumentError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import { Rng } from "../../src/tensor/index.js";
import { smallSplit } from "./smallData.js";

describe("pruning masks", () => {
  it("magnitude pruning removes the smallest |w| (hand-checked)", () => {
    const w = Float32Array.from([0.5, -0.1, 0.05, -2, 0.3, 0]);
    expect(Array.from(magnitudeMask(w, 0.5))).toEqual([1, 0, 0, 1, 1, 0]);
    expect(Array.from(magnitudeMask(w, 0))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("rates outside [0, 1) are ArgumentErrors", () => {
    for (const r of [-0.1, 1, 1.5, Number.NaN]) expect(() => checkPruneRate(r)).toThrow(ArgumentError);
    expect(() => magnitudeMask(new Float32Array(4), 1)).toThrow(ArgumentError);
  });

  it("2:4 keeps the two largest of every four along the last axis", () => {
    const w = Float32Array.from([1, -3, 2, 0.5, 0, 0, -1, 4]);
    expect(Array.from(nmMask(w, [2, 4]))).toEqual([0, 1, 1, 0, 0, 0, 1, 1]);
    expect(() => nmMask(new Float32Array(6), [1, 6], 2, 4)).toThrow(ArgumentError);
    expect(() => nmMask(new Float32Array(8), [2, 4], 4, 4)).toThrow(ArgumentError);
  });
});

describe("iterative pruning with retraining", () => {
  it("reaches per-layer rates, and masks survive retraining (pruned weights stay exactly 0)", () => {
    const rng = new Rng(3);
    const model = createModel("lenet300", rng);
    const data = smallSplit(256);
    const rounds: number[] = [];
    const masks = pruneIteratively(model, new Map([["fc", 0.8], ["fc3", 0.5]]), {
      steps: 2,
      retrain: (m, round) => {
        rounds.push(round);
        retrain(model, new MaskedSgd(model.namedParameters(), m), data, { epochs: 1, batchSize: 64, lr: 0.05, rng });
      },
    });
    expect(rounds).toEqual([1, 2]);
    expect(density(masks.get("fc1.weight")!)).toBeCloseTo(0.2, 3);
    expect(density(masks.get("fc3.weight")!)).toBeCloseTo(0.5, 3);
    const params = new Map(model.namedParameters());
    for (const [name, mask] of masks) {
      const w = params.get(name)!.values;
      let moved = 0;
      for (let i = 0; i < w.length; i++) {
        if (mask[i] === 0) expect(w[i]).toBe(0);
        else if (w[i] !== 0) moved++;
      }
      expect(moved).toBeGreaterThan(0);
    }
  });

  it("linear rounds add equal rates; geometric rounds remove the same fraction of what remains; both end at the target", () => {
    expect([1, 2, 3].map((r) => roundRate(0.92, r, 3, "linear"))).toEqual([0.92 / 3, (0.92 * 2) / 3, 0.92]);
    const kept = [1, 2, 3].map((r) => 1 - roundRate(0.92, r, 3, "geometric"));
    expect(kept[2]).toBe(1 - 0.92);
    expect(kept[0]!).toBeCloseTo(Math.cbrt(0.08), 12);
    expect(kept[1]! / kept[0]!).toBeCloseTo(kept[0]!, 12);
  });

  it("2:4 pruning of a model leaves exactly half of each group", () => {
    const model = createModel("lenet300", new Rng(1));
    const masks = pruneNm(model);
    expect([...masks.keys()]).toEqual(["fc1.weight", "fc2.weight", "fc3.weight"]);
    for (const mask of masks.values()) {
      for (let g = 0; g < mask.length; g += 4) expect(mask[g]! + mask[g + 1]! + mask[g + 2]! + mask[g + 3]!).toBe(2);
    }
  });
});
