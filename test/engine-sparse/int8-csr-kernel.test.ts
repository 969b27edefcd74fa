/**
 * The int8 sparse FULLY_CONNECTED kernels on their own: the CSR TS reference and WASM kernel, and the 2:4 WASM kernel, against the
 * dense reference kernel (the oracle), on odd shapes, empty rows, an all-zero matrix and batches > 1.
 */
import { describe, expect, it } from "vitest";
import { evalFullyConnectedInt8, prepareFullyConnectedInt8 } from "../../src/kernels/int8/fully-connected.js";
import {
  evalFullyConnectedInt8Csr, evalFullyConnectedInt8CsrWasm, evalFullyConnectedInt8TwoFourWasm, prepareFullyConnectedInt8CsrWasm,
  prepareFullyConnectedInt8TwoFourWasm, toCsrInt8,
} from "../../src/kernels/int8-sparse/index.js";
import { int8Runtime } from "../../src/kernels/int8-wasm/index.js";
import { Rng } from "../../src/tensor/index.js";
import { pruneMask, type Pattern } from "./pruned-fc.js";

function layer(rng: Rng, batches: number, inDepth: number, outDepth: number, pattern: Pattern, outScale: number) {
  const mask = pruneMask(rng, outDepth, inDepth, pattern, outDepth > 2 ? [1] : []);
  const w = Int8Array.from(mask, (m) => (m ? rng.int(255) - 127 : 0));
  const bias = Int32Array.from({ length: outDepth }, () => rng.int(40001) - 20000);
  const input = Int8Array.from({ length: batches * inDepth }, () => rng.int(256) - 128);
  const scales = Array.from({ length: outDepth }, () => 0.001 + 0.01 * rng.uniform());
  const params = prepareFullyConnectedInt8(
    { inputShape: [batches, inDepth], filterShape: [outDepth, inDepth], biasShape: [outDepth], outputShape: [batches, outDepth], activation: "NONE" },
    {
      input: { scale: [0.05], zeroPoint: [7], quantizedDimension: 0 },
      filter: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
      output: { scale: [outScale], zeroPoint: [-2], quantizedDimension: 0 },
    },
  );
  return { params, w, bias, input };
}

const CASES: [number, number, number, Pattern][] = [
  [1, 1, 1, 0.5], [1, 9, 17, 0.75], [2, 33, 8, 0.9], [5, 64, 31, "2:4"], [1, 300, 100, 0.9], [4, 20, 12, 1],
];

describe("int8 CSR FULLY_CONNECTED kernels", () => {
  for (const [batches, inDepth, outDepth, pattern] of CASES) {
    for (const outScale of [0.05 * Math.sqrt(inDepth), 1e-4]) {
      it(`batch ${batches}, [${outDepth}, ${inDepth}], ${pattern} pruned, output scale ${outScale.toPrecision(2)}: TS and WASM equal the dense reference`, () => {
        const { params, w, bias, input } = layer(new Rng(inDepth * 31 + outDepth), batches, inDepth, outDepth, pattern, outScale);
        const want = new Int8Array(batches * outDepth);
        evalFullyConnectedInt8(params, input, w, bias, want);
        // the comparison means something only if the outputs are not all clamped
        if (outScale > 1e-3 && pattern !== 1 && want.length >= 40) expect(new Set(want).size).toBeGreaterThan(20);
        const csr = toCsrInt8(w, outDepth, inDepth);
        const ts = new Int8Array(want.length);
        evalFullyConnectedInt8Csr(params, input, csr, bias, ts);
        expect(Array.from(ts)).toEqual(Array.from(want));
        if (int8Runtime() === null) return;
        const op = prepareFullyConnectedInt8CsrWasm(params, csr, bias)!;
        expect(op).not.toBeNull();
        const wasm = new Int8Array(want.length);
        evalFullyConnectedInt8CsrWasm(op, input, wasm);
        expect(Array.from(wasm)).toEqual(Array.from(want));
      });
    }
  }

  for (const [batches, inDepth, outDepth] of [[1, 4, 1], [2, 36, 9], [3, 64, 17], [1, 784, 300]] as const) {
    it(`2:4 WASM kernel, batch ${batches}, [${outDepth}, ${inDepth}]: equals the dense reference`, () => {
      if (int8Runtime() === null) return;
      const { params, w, bias, input } = layer(new Rng(inDepth + outDepth), batches, inDepth, outDepth, "2:4", 0.05 * Math.sqrt(inDepth));
      const want = new Int8Array(batches * outDepth);
      evalFullyConnectedInt8(params, input, w, bias, want);
      const got = new Int8Array(want.length);
      evalFullyConnectedInt8TwoFourWasm(prepareFullyConnectedInt8TwoFourWasm(params, w, bias)!, input, got);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }
});
