import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors/index.js";
import { parseAugmentSpec, recipeFor } from "../../src/train/recipes.js";

describe("augmentation specs", () => {
  it("parses the command-line forms and rejects others", () => {
    expect(parseAugmentSpec("none")).toEqual({ flip: false, shift: 0 });
    expect(parseAugmentSpec("flip")).toEqual({ flip: true, shift: 0 });
    expect(parseAugmentSpec("flip+shift2")).toEqual({ flip: true, shift: 2 });
    expect(parseAugmentSpec("shift3")).toEqual({ flip: false, shift: 3 });
    expect(() => parseAugmentSpec("rotate")).toThrow(/not understood \(at "rotate"\)/);
    expect(() => parseAugmentSpec("shift99")).toThrow(ArgumentError);
  });
});

describe("recipes", () => {
  it("have a recipe for every model the CLI trains, with a learning rate per optimizer", () => {
    for (const model of ["lenet300", "lenet5", "dscnn"]) {
      const r = recipeFor(model);
      expect(r.lr.adam).toBeGreaterThan(0);
      expect(r.lr.sgd).toBeGreaterThan(0);
      expect(() => parseAugmentSpec(r.augment)).not.toThrow();
    }
  });
});
