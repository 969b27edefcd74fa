import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn } from "./gradcheck.js";

describe("gradcheck: shape ops and dropout", () => {
  const rng = new Rng(5);

  it("reshape and flatten", () => {
    gradcheck(([x]) => ag.mul(ag.reshape(x!, [6, -1]), ag.reshape(x!, [6, 4])), [randn(rng, [2, 3, 4])]);
    gradcheck(([x]) => ag.flatten(x!), [randn(rng, [2, 3, 2, 2])]);
  });

  it("slice copies the right box and its gradient lands back there", () => {
    const x = ag.Variable.from(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expect(Array.from(ag.slice(x, [1, 1, 1], [1, 2, 2]).values)).toEqual([17, 18, 21, 22]);
    gradcheck(([v]) => ag.slice(v!, [0, 1, 1], [2, 2, 3]), [randn(rng, [2, 3, 4])]);
  });

  it("pad with zeros (NHWC spatial padding)", () => {
    const x = ag.Variable.from([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = ag.pad(x, [[0, 0], [1, 0], [0, 1], [0, 0]]);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(y.values)).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    gradcheck(([v]) => ag.pad(v!, [[0, 0], [1, 2], [2, 1], [0, 1]]), [randn(rng, [2, 2, 3, 2])]);
  });

  it("concat along the channel axis and along the batch axis", () => {
    const a = ag.Variable.from([1, 2, 3, 4], [2, 2]);
    const b = ag.Variable.from([5, 6], [2, 1]);
    expect(Array.from(ag.concat([a, b], -1).values)).toEqual([1, 2, 5, 3, 4, 6]);
    gradcheck(([x, y]) => ag.concat([x!, y!], 3), [randn(rng, [2, 2, 2, 3]), randn(rng, [2, 2, 2, 1])]);
    gradcheck(([x, y]) => ag.concat([x!, y!, x!], 0), [randn(rng, [1, 3]), randn(rng, [2, 3])]);
  });

  it("transpose permutes axes (NHWC -> NCHW by hand) and its gradient permutes back", () => {
    const x = ag.Variable.from(Float32Array.from({ length: 12 }, (_, i) => i), [1, 2, 3, 2]);
    const y = ag.transpose(x, [0, 3, 1, 2]);
    expect(y.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(y.values)).toEqual([0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
    gradcheck(([v]) => ag.transpose(v!, [2, 0, 1]), [randn(rng, [2, 3, 4])]);
    expect(() => ag.transpose(x, [0, 1, 1, 2])).toThrow(/not a permutation/);
  });

  it("dropout: fixed mask per seed, inverted scaling, gradient through the mask", () => {
    gradcheck(([x]) => ag.dropout(x!, 0.4, new Rng(11), true), [randn(rng, [4, 8])]);
    const x = ag.Variable.from(new Float32Array(1000).fill(1), [1000]);
    const y = ag.dropout(x, 0.25, new Rng(3), true).values;
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(700);
    expect(kept.length).toBeLessThan(800);
    expect(ag.dropout(x, 0.25, new Rng(3), false)).toBe(x);
  });
});
