/**
 * The per-vector requantization of the WASM int8 kernels (requantUniform, src/kernels/assembly/int8-requant.ts)
 * equals TFLite's MultiplyByQuantizedMultiplier for every accumulator within the bound that prepare checks
 * (pack.ts packUniformRequant), and so does requantUniformScaled on the same accumulators pre-multiplied by
 * 2^(leftShift+1): at the bound itself, at rounding ties of both roundings, for every shift and
 * for the extreme multipliers.
 */
import { describe, expect, it } from "vitest";
import { multiplyByQuantizedMultiplier } from "../../src/kernels/int8/quantize-math.js";
import { int8Runtime } from "../../src/kernels/int8-wasm/index.js";
import { packUniformRequant } from "../../src/kernels/int8-wasm/pack.js";
import { Rng } from "../../src/tensor/index.js";

const rt = int8Runtime();

function accumulators(rng: Rng, bound: number, m: number, right: number, left: number): Int32Array {
  const v: number[] = [0, 1, -1, 2, -2, bound, -bound, bound - 1, -bound + 1];
  for (let i = 0; i < 200; i++) v.push(Math.round((rng.uniform() * 2 - 1) * bound));
  // Near ties: x*m close to (j + 1/2) * 2^31 (the high multiply's rounding) and to (j + 1/2) * 2^(31+right).
  for (let i = 0; i < 200 && m > 0; i++) {
    const unit = 2 ** (31 + (i & 1 ? right : 0));
    const j = Math.floor((rng.uniform() * 2 - 1) * ((bound * 2 ** left * m) / unit));
    const x = Math.round(((j + 0.5) * unit) / m);
    for (let d = -2; d <= 2; d++) {
      const acc = Math.trunc((x + d) / 2 ** left);
      if (Math.abs(acc) <= bound) v.push(acc);
    }
  }
  while (v.length % 4 !== 0) v.push(0);
  return Int32Array.from(v);
}

describe.skipIf(rt === null)("requantUniform (per-vector requantization)", () => {
  it("equals MultiplyByQuantizedMultiplier on adversarial accumulators within the bound", () => {
    const rng = new Rng(7);
    const multipliers = [0, 1, 3, 12345, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1, 1518500250];
    for (let i = 0; i < 8; i++) multipliers.push(2 ** 30 + Math.floor(rng.uniform() * 2 ** 30));
    let checked = 0;
    for (let shift = -31; shift <= 12; shift++) {
      const left = shift > 0 ? shift : 0;
      for (const m of multipliers) {
        for (const bound of [Math.floor((2 ** 30 - 1) / 2 ** left), 255 * 9 * 128 + 5000]) {
          const b = Math.min(bound, Math.floor((2 ** 30 - 1) / 2 ** left));
          const packed = packUniformRequant(Int32Array.of(m), Int32Array.of(shift), Float64Array.of(b));
          expect(packed).not.toBeNull();
          const accs = accumulators(rng, b, m, shift > 0 ? 0 : -shift, left);
          const u = rt!.place(packed!);
          const src = rt!.place(accs);
          const dst = rt!.alloc(accs.length * 4);
          rt!.exports.requantUniformRun(u, src, dst, accs.length);
          const got = new Int32Array(rt!.memory.buffer, dst, accs.length).slice();
          for (let i = 0; i < accs.length; i++) {
            const want = multiplyByQuantizedMultiplier(accs[i]!, m, shift);
            if (got[i] !== want) expect({ acc: accs[i], m, shift, got: got[i] }).toEqual({ acc: accs[i], m, shift, got: want });
          }
          // the GEMM's form: accumulators pre-multiplied by 2^(leftShift+1) (weights and bias scaled at prepare)
          const scaled = accs.map((a) => a * 2 ** (left + 1));
          const src2 = rt!.place(scaled);
          rt!.exports.requantUniformScaledRun(u, src2, dst, accs.length);
          const got2 = new Int32Array(rt!.memory.buffer, dst, accs.length).slice();
          for (let i = 0; i < accs.length; i++) {
            const want = multiplyByQuantizedMultiplier(accs[i]!, m, shift);
            if (got2[i] !== want) expect({ acc: accs[i], m, shift, scaled: true, got: got2[i] }).toEqual({ acc: accs[i], m, shift, scaled: true, got: want });
          }
          checked += 2 * accs.length;
          rt!.free(u); rt!.free(src); rt!.free(src2); rt!.free(dst);
        }
      }
    }
    expect(checked).toBeGreaterThan(100000);
  });

  it("is refused (null) where the bound does not hold, so the kernels keep the general path", () => {
    expect(packUniformRequant(Int32Array.of(2 ** 30), Int32Array.of(0), Float64Array.of(2 ** 30))).toBeNull();
    expect(packUniformRequant(Int32Array.of(2 ** 30), Int32Array.of(3), Float64Array.of(2 ** 27))).toBeNull();
    expect(packUniformRequant(Int32Array.of(-5), Int32Array.of(-3), Float64Array.of(100))).toBeNull();
    expect(packUniformRequant(Int32Array.of(2 ** 30), Int32Array.of(3), Float64Array.of(2 ** 27 - 1))).not.toBeNull();
  });
});
