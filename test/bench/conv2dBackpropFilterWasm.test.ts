import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { useTfjsBackend } from "../../bench/tfjs/backend.js";
import { Rng } from "../../src/tensor/index.js";

/** The filter gradient on one backend for the same inputs (tfjs's own Conv2DBackpropFilter on cpu is the oracle). */
async function filterGrad(backend: "wasm" | "cpu", x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[], attrs: object): Promise<Float32Array> {
  await useTfjsBackend(backend);
  return tf.tidy(() => {
    const out = tf.engine().runKernel("Conv2DBackpropFilter", { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) }, attrs as never) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

describe("Conv2DBackpropFilter registered for tfjs-backend-wasm (benchmark peer)", () => {
  const rng = new Rng(11);
  const cases = [
    { x: [2, 7, 9, 3], filter: [5, 5, 3, 4], strides: 1, pad: "same" },
    { x: [3, 11, 10, 2], filter: [3, 3, 2, 5], strides: 2, pad: "valid" },
    { x: [1, 9, 8, 3], filter: [3, 2, 3, 2], strides: [2, 3], pad: "same" },
    { x: [2, 6, 6, 1], filter: [2, 2, 1, 3], strides: 1, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  ] as const;
  for (const c of cases) {
    it(`matches the cpu backend for x ${c.x.join("x")}, filter ${c.filter.join("x")}, stride ${String(c.strides)}, pad ${JSON.stringify(c.pad)}`, async () => {
      const info = tf.backend_util.computeConv2DInfo([...c.x] as never, [...c.filter] as never, c.strides as never, 1, c.pad as never);
      const dyShape = info.outShape;
      const x = Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, () => rng.normal());
      const dy = Float32Array.from({ length: dyShape.reduce((a, b) => a * b) }, () => rng.normal());
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
      const want = await filterGrad("cpu", x, [...c.x], dy, dyShape, attrs);
      const got = await filterGrad("wasm", x, [...c.x], dy, dyShape, attrs);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
    });
  }
});
