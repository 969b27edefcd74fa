/** DEPTHWISE_CONV_2D float32 (TFLite reference_ops::DepthwiseConv). */
import type { DepthwiseGeometry } from "../../kernels/int8/depthwise-conv2d.js";

export interface DepthwiseConv2dF32Params extends DepthwiseGeometry {
  actMin: number;
  actMax: number;
}

export function evalDepthwiseConv2dF32(p: DepthwiseConv2dF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, filterH, filterW, depthMultiplier } = p;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft, actMin, actMax } = p;
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inY0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inX0 = ox * strideW - padLeft;
        for (let oc = 0; oc < outC; oc++) {
          const ic = Math.floor(oc / depthMultiplier);
          let acc = 0;
          for (let ky = 0; ky < filterH; ky++) {
            const iy = inY0 + dilationH * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ix = inX0 + dilationW * kx;
              if (ix < 0 || ix >= inW) continue;
              acc += input[((b * inH + iy) * inW + ix) * inC + ic]! * filter[(ky * filterW + kx) * outC + oc]!;
            }
          }
          if (bias !== null) acc += bias[oc]!;
          output[o++] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
        }
      }
    }
  }
}
