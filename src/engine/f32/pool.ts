/** AVERAGE_POOL_2D and MAX_POOL_2D float32: windows clipped to the image, padded cells never counted. */
import type { WindowGeometry } from "../../kernels/int8/geometry.js";

export interface PoolF32Params extends WindowGeometry {
  actMin: number;
  actMax: number;
}

function pool(p: PoolF32Params, input: Float32Array, output: Float32Array, average: boolean): void {
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
          let acc = average ? 0 : -Infinity;
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const rowBase = ((b * inH + inY0 + fy) * inW + inX0) * inC + c;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const v = input[rowBase + fx * inC]!;
              if (average) acc += v;
              else if (v > acc) acc = v;
            }
          }
          if (average) acc /= count;
          output[o++] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
        }
      }
    }
  }
}

export function evalAveragePoolF32(p: PoolF32Params, input: Float32Array, output: Float32Array): void {
  pool(p, input, output, true);
}

export function evalMaxPoolF32(p: PoolF32Params, input: Float32Array, output: Float32Array): void {
  pool(p, input, output, false);
}
