import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn, randnAvoiding } from "./gradcheck.js";

/** Transposed conv by its definition: every input pixel scatters x * w into the output window it maps to. */
function conv2dTransposeOracle(
  x: Float32Array, [n, h, w, cin]: number[], wt: Float32Array, [cout, kh, kw]: number[], stride: number, padTop: number, padLeft: number, [oh, ow]: number[],
): Float64Array {
  const y = new Float64Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < w; ix++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const oy = iy * stride - padTop + ky;
            const ox = ix * stride - padLeft + kx;
            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
            for (let co = 0; co < cout; co++)
              for (let ci = 0; ci < cin; ci++) {
                y[((b * oh + oy) * ow + ox) * cout + co] += x[((b * h + iy) * w + ix) * cin + ci]! * wt[((co * kh + ky) * kw + kx) * cin + ci]!;
              }
          }
  return y;
}

describe("ops for generative models", () => {
  const rng = new Rng(21);

  it("conv2dTranspose matches the scatter definition with TFLite's [Cout, kh, kw, Cin] weights", () => {
    const x = randn(rng, [2, 3, 3, 2]);
    const w = randn(rng, [4, 3, 3, 2]);
    // stride 2, 'same'-style padding 1 top/left, 0 bottom/right: output 6x6
    const p = { strideH: 2, strideW: 2, padTop: 1, padBottom: 0, padLeft: 1, padRight: 0 };
    const y = ag.conv2dTranspose(ag.Variable.from(x.values, x.shape), ag.Variable.from(w.values, w.shape), null, p, [6, 6]);
    expect(y.shape).toEqual([2, 6, 6, 4]);
    const expected = conv2dTransposeOracle(x.values, x.shape, w.values, w.shape, 2, 1, 1, [6, 6]);
    y.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it("conv2dTranspose gradients (stride 2 with padding and bias; stride 1 valid)", () => {
    const p = { strideH: 2, strideW: 2, padTop: 1, padBottom: 0, padLeft: 1, padRight: 0 };
    gradcheck(([x, w, b]) => ag.conv2dTranspose(x!, w!, b!, p, [6, 6]), [randn(rng, [2, 3, 3, 2]), randn(rng, [3, 3, 3, 2]), randn(rng, [3])]);
    gradcheck(([x, w]) => ag.conv2dTranspose(x!, w!, null, {}, [5, 4]), [randn(rng, [1, 3, 2, 3]), randn(rng, [2, 3, 3, 3])]);
  });

  it("conv2dTranspose rejects an output size that does not map back to the input", () => {
    const x = ag.Variable.zeros([1, 3, 3, 2]);
    const w = ag.Variable.zeros([4, 3, 3, 2]);
    expect(() => ag.conv2dTranspose(x, w, null, { strideH: 2, strideW: 2 }, [9, 9])).toThrow(/does not come back to input \[1, 3, 3, 2\]/);
  });

  it("leakyRelu values and gradient", () => {
    const y = ag.leakyRelu(ag.Variable.from([-2, 0, 3], [3]), 0.1);
    expect(Array.from(y.values)).toEqual([Math.fround(-0.2), 0, 3]);
    gradcheck(([x]) => ag.leakyRelu(x!, 0.2), [randnAvoiding(rng, [3, 7], 2, [0], 0.05)]);
  });

  it("sigmoidBinaryCrossEntropy matches the float64 definition, with soft targets, and its gradient", () => {
    const z = randn(rng, [6], 3);
    const t = [1, 0, 0.9, 0.1, 1, 0];
    const loss = ag.sigmoidBinaryCrossEntropy(ag.Variable.from(z.values, [6]), t).item();
    let expected = 0;
    z.values.forEach((v, i) => {
      const p = 1 / (1 + Math.exp(-v));
      expected -= t[i]! * Math.log(p) + (1 - t[i]!) * Math.log(1 - p);
    });
    expect(loss).toBeCloseTo(expected / 6, 5);
    gradcheck(([x]) => ag.sigmoidBinaryCrossEntropy(x!, t), [z], { eps: 1e-3 });
    expect(() => ag.sigmoidBinaryCrossEntropy(ag.Variable.zeros([2]), [1, 2])).toThrow(/outside \[0, 1\]/);
  });
});
