import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";

describe("fakeQuantize (quantization-aware training)", () => {
  it("rounds half away from zero, clamps to [qmin, qmax], and passes dy straight through only inside the range", () => {
    const x = ag.Variable.from([0.25, -0.25, 0.74, 1.0, -2.5, 5], [6], true);
    const y = ag.fakeQuantize(x, { scale: 0.5, zeroPoint: 1, qmin: -3, qmax: 3 });
    // x/s = 0.5, -0.5, 1.48, 2, -5, 10 -> round 1, -1, 1, 2, -5, 10 -> +1 = 2, 0, 2, 3, -4 (clipped to -3), 11 (clipped to 3)
    expect(Array.from(y.values)).toEqual([0.5, -0.5, 0.5, 1, -2, 1]);
    ag.backward(y, Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(Array.from(x.grad!.data)).toEqual([1, 2, 3, 4, 0, 0]);
  });

  it("uses one scale per output channel along the given axis (OHWI conv weights: axis 0)", () => {
    const w = ag.Variable.from([0.3, 0.3, 0.3, 0.3], [2, 1, 1, 2]);
    const y = ag.fakeQuantize(w, { scale: Float32Array.of(0.2, 0.25), axis: 0 });
    expect(Array.from(y.values)).toEqual([0.4, 0.4, 0.25, 0.25].map(Math.fround));
    expect(() => ag.fakeQuantize(w, { scale: Float32Array.of(0.2), axis: 0 })).toThrow(/1 scales/);
  });
});
