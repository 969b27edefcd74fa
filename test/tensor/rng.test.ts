import { describe, expect, it } from "vitest";
import { Rng } from "../../src/tensor/index.js";

describe("Rng", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextU32());
    const sb = Array.from({ length: 100 }, () => b.nextU32());
    const sc = Array.from({ length: 100 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(sa.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });

  it("uniform stays in [0, 1) and int(n) in [0, n) with every value reached", () => {
    const r = new Rng(1);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      counts[r.int(7)]!++;
    }
    // Each bucket expects 1000; 6 sigma is ~170.
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(170);
  });

  it("normal has mean ~0 and variance ~1", () => {
    const r = new Rng(7);
    const n = 20000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it("shuffle is a permutation and is seeded", () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = [...a];
    new Rng(3).shuffle(a);
    new Rng(3).shuffle(b);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("getState/setState resumes the exact stream (checkpoints rely on it)", () => {
    const r = new Rng(9);
    for (let i = 0; i < 10; i++) r.nextU32();
    const state = r.getState();
    const expected = Array.from({ length: 20 }, () => r.nextU32());
    const resumed = new Rng(0);
    resumed.setState(state);
    expect(Array.from({ length: 20 }, () => resumed.nextU32())).toEqual(expected);
  });

  it("fork gives an independent, reproducible generator", () => {
    const f1 = new Rng(5).fork(), f2 = new Rng(5).fork();
    expect(f1.nextU32()).toBe(f2.nextU32());
  });
});
