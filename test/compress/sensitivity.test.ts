import { describe, expect, it } from "vitest";
import { analyzeSensitivity } from "../../src/compress/sensitivity.js";
import { ArgumentError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import { Rng } from "../../src/tensor/index.js";
import { retrain } from "../../src/compress/retrain.js";
import { MaskedSgd } from "../../src/compress/masked-sgd.js";
import { smallSplit } from "./smallData.js";

describe("per-layer sensitivity analysis", () => {
  it("scans each layer alone, restores the weights, and picks the highest rate within the allowed drop", () => {
    const rng = new Rng(2);
    const model = createModel("lenet300", rng);
    const data = smallSplit(1000);
    retrain(model, new MaskedSgd(model.namedParameters(), new Map()), data, { epochs: 2, batchSize: 64, lr: 0.05, rng });
    const before = [...model.stateDict()].map(([, t]) => t.data.slice());
    const result = analyzeSensitivity(model, data.test, 0.02, [0.5, 0.9, 0.98]);
    [...model.stateDict()].forEach(([, t], i) => expect(t.data).toEqual(before[i]));
    expect(result.layers.map((l) => l.layer)).toEqual(["fc1", "fc2", "fc3"]);
    for (const l of result.layers) {
      expect(l.curve.map((p) => p.rate)).toEqual([0.5, 0.9, 0.98]);
      const allowed = l.curve.filter((p) => result.baseline - p.accuracy <= 0.02).map((p) => p.rate);
      expect(l.chosenRate).toBe(allowed.length === 0 ? 0 : Math.max(...allowed));
      expect(result.rates.get(l.layer)).toBe(l.chosenRate);
    }
    // the big first layer tolerates more pruning than the small last one
    expect(result.rates.get("fc1")!).toBeGreaterThanOrEqual(result.rates.get("fc3")!);
    expect(() => analyzeSensitivity(model, data.test, 1)).toThrow(ArgumentError);
    expect(() => analyzeSensitivity(model, data.test, 0.01, [1.0])).toThrow(ArgumentError);
  });
});
