/** AVERAGE_POOL_2D int8 (TFLite reference_integer_ops::AveragePool): padded cells are not counted, rounding division. */
import { preparePoolInt8, type PoolInt8Params, type PoolSpec } from "./pool-spec.js";
import type { TensorQuant } from "./quant-types.js";

export type { PoolInt8Params } from "./pool-spec.js";

export function prepareAveragePoolInt8(s: PoolSpec, input: TensorQuant | undefined, output: TensorQuant | undefined): PoolInt8Params {
  return preparePoolInt8("AVERAGE_POOL_2D", s, input, output);
}

export function evalAveragePoolInt8(p: PoolInt8Params, input: Int8Array, output: Int8Array): void {
  const { batches, inH, inW, inC, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft, actMin, actMax } = p;
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inY0 = oy * strideH - padTop;
      const fyStart = Math.max(0, -inY0);
      const fyEnd = Math.min(filterH, inH - inY0);
      for (let ox = 0; ox < outW; ox++) {
        const inX0 = ox * strideW - padLeft;
        const fxStart = Math.max(0, -inX0);
        const fxEnd = Math.min(filterW, inW - inX0);
        const count = (fyEnd - fyStart) * (fxEnd - fxStart);
        for (let c = 0; c < inC; c++) {
          let acc = 0;
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const rowBase = ((b * inH + inY0 + fy) * inW + inX0) * inC + c;
            for (let fx = fxStart; fx < fxEnd; fx++) acc += input[rowBase + fx * inC]!;
          }
          // Round half away from zero, as C's truncating division after adding/subtracting count/2.
          const half = Math.trunc(count / 2);
          let v = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
          v = v < actMin ? actMin : v > actMax ? actMax : v;
          output[o++] = v;
        }
      }
    }
  }
}
