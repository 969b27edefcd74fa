import { afterAll, beforeAll, describe, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { getKernelBackend, setKernelBackend, type KernelBackend } from "../../src/kernels/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn, type Input } from "./gradcheck.js";

/** Distinct values 0.05 apart in random order: max pooling has no ties and eps cannot change the winner. */
function distinct(rng: Rng, shape: number[]): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  return { values: Float32Array.from(order, (v) => (v - n / 2) * 0.05), shape };
}

const initialBackend = getKernelBackend();
afterAll(() => setKernelBackend(initialBackend));

// both the reference kernels (the specification) and the fast ones the tape normally dispatches to
for (const backend of ["ref", "wasm"] as KernelBackend[]) describe(`gradcheck: convolutions and pooling (${backend} kernels)`, () => {
  const rng = new Rng(2);
  beforeAll(() => setKernelBackend(backend));

  it("conv2d, stride 1, no padding, with bias", () => {
    gradcheck(([x, w, b]) => ag.conv2d(x!, w!, b!), [randn(rng, [2, 5, 5, 3]), randn(rng, [4, 3, 3, 3]), randn(rng, [4])]);
  });

  it("conv2d, stride 2, asymmetric padding, dilation 2", () => {
    const p = { strideH: 2, strideW: 2, padTop: 1, padBottom: 2, padLeft: 2, padRight: 1, dilationH: 2, dilationW: 2 };
    gradcheck(([x, w]) => ag.conv2d(x!, w!, null, p), [randn(rng, [1, 7, 6, 2]), randn(rng, [3, 3, 2, 2])]);
  });

  it("conv2d and depthwiseConv2d large enough for the fast kernels (>= 4096 multiply-adds)", () => {
    gradcheck(([x, w, b]) => ag.conv2d(x!, w!, b!), [randn(rng, [2, 8, 8, 4]), randn(rng, [8, 3, 3, 4]), randn(rng, [8])]);
    const p = { strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
    gradcheck(([x, w, b]) => ag.depthwiseConv2d(x!, w!, b!, p), [randn(rng, [2, 12, 12, 8]), randn(rng, [1, 3, 3, 8]), randn(rng, [8])]);
  });

  it("conv2d with groups", () => {
    gradcheck(([x, w, b]) => ag.conv2d(x!, w!, b!, { groups: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }), [
      randn(rng, [1, 4, 4, 4]), randn(rng, [6, 3, 3, 2]), randn(rng, [6]),
    ]);
  });

  it("conv2d with only the bias trainable", () => {
    const x = { ...randn(rng, [1, 4, 4, 2]), constant: true };
    const w = { ...randn(rng, [3, 3, 3, 2]), constant: true };
    gradcheck(([xv, wv, b]) => ag.conv2d(xv!, wv!, b!), [x, w, randn(rng, [3])]);
  });

  it("depthwiseConv2d, multiplier 1 and 2, stride 2 with padding", () => {
    const p = { strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
    gradcheck(([x, w, b]) => ag.depthwiseConv2d(x!, w!, b!, p), [randn(rng, [2, 5, 5, 3]), randn(rng, [1, 3, 3, 3]), randn(rng, [3])]);
    gradcheck(([x, w]) => ag.depthwiseConv2d(x!, w!, null), [randn(rng, [1, 4, 5, 2]), randn(rng, [1, 2, 3, 4])]);
  });

  it("maxPool2d 2x2 and overlapping 3x3 stride 2 with padding", () => {
    gradcheck(([x]) => ag.maxPool2d(x!, ag.poolParams({ kernelH: 2, kernelW: 2 })), [distinct(rng, [2, 4, 4, 3])], { eps: 1e-3 });
    const p = ag.poolParams({ kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 });
    gradcheck(([x]) => ag.maxPool2d(x!, p), [distinct(rng, [1, 5, 5, 2])], { eps: 1e-3 });
  });

  it("avgPool2d with padding (divides by the valid cells)", () => {
    const p = ag.poolParams({ kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padTop: 1, padBottom: 1, padLeft: 0, padRight: 1 });
    gradcheck(([x]) => ag.avgPool2d(x!, p), [randn(rng, [2, 5, 4, 2])]);
  });

  it("globalAvgPool", () => {
    gradcheck(([x]) => ag.globalAvgPool(x!), [randn(rng, [2, 3, 4, 5])]);
  });
});
