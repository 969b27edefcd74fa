/** CONV_2D float32 (TFLite reference_ops::Conv): bias added after the window sum, then the fused clamp. */
import type { Conv2dGeometry } from "../../kernels/int8/conv2d.js";

export interface Conv2dF32Params extends Conv2dGeometry {
  actMin: number;
  actMax: number;
}

export function evalConv2dF32(p: Conv2dF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, filterH, filterW, filterInC, outCPerGroup } = p;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft, actMin, actMax } = p;
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inY0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inX0 = ox * strideW - padLeft;
        for (let oc = 0; oc < outC; oc++) {
          const groupChannel0 = Math.floor(oc / outCPerGroup) * filterInC;
          let acc = 0;
          for (let ky = 0; ky < filterH; ky++) {
            const iy = inY0 + dilationH * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ix = inX0 + dilationW * kx;
              if (ix < 0 || ix >= inW) continue;
              const inBase = ((b * inH + iy) * inW + ix) * inC + groupChannel0;
              const fBase = ((oc * filterH + ky) * filterW + kx) * filterInC;
              for (let ic = 0; ic < filterInC; ic++) acc += input[inBase + ic]! * filter[fBase + ic]!;
            }
          }
          if (bias !== null) acc += bias[oc]!;
          output[o++] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
        }
      }
    }
  }
}
