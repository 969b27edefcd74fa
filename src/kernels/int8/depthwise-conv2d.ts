/** DEPTHWISE_CONV_2D int8 (TFLite reference_integer_ops::DepthwiseConvPerChannel): 1HWO weights, depth multiplier. */
import { ShapeError } from "../../errors/index.js";
import { prepareConvOutputQuant, type ConvOutputQuant, type ConvQuantSpec } from "./conv-quant.js";
import type { ConvSpec } from "./conv2d.js";
import { windowGeometry, type WindowGeometry } from "./geometry.js";
import { requireSymmetricWeights } from "./quant-types.js";
import { multiplyByQuantizedMultiplier } from "./quantize-math.js";
import { checkOutputShape } from "./shape-checks.js";

export interface DepthwiseSpec extends ConvSpec {
  depthMultiplier: number;
}

export interface DepthwiseGeometry extends WindowGeometry {
  outC: number;
  depthMultiplier: number;
}

export interface DepthwiseConv2dInt8Params extends DepthwiseGeometry, ConvOutputQuant {}

export function prepareDepthwiseGeometry(where: string, s: DepthwiseSpec): DepthwiseGeometry {
  if (s.filterShape.length !== 4 || s.filterShape[0] !== 1) {
    throw new ShapeError(`${where}: filter must be 4-D 1HWO, got [${s.filterShape.join(", ")}]`, "depthwise weights are [1, kh, kw, in_channels * multiplier]");
  }
  const [, filterH, filterW, outC] = s.filterShape as [number, number, number, number];
  const g = windowGeometry(where, s.inputShape, { padding: s.padding, strideH: s.strideH, strideW: s.strideW, dilationH: s.dilationH, dilationW: s.dilationW, filterH, filterW });
  // Older converters write depth_multiplier 0 or stale values; the weights' channel count is what counts.
  if (g.inC < 1 || outC % g.inC !== 0) {
    throw new ShapeError(
      `${where}: filter [${s.filterShape.join(", ")}] has ${outC} channels, not a multiple of the input's ${g.inC}`,
      "depthwise weights are [1, kh, kw, in_channels * multiplier]",
    );
  }
  const depthMultiplier = outC / g.inC;
  if (s.biasShape !== null && s.biasShape.reduce((a, b) => a * b, 1) !== outC) {
    throw new ShapeError(`${where}: bias [${s.biasShape.join(", ")}] must have ${outC} elements`, "re-export the model");
  }
  checkOutputShape(where, s.outputShape, [g.batches, g.outH, g.outW, outC]);
  return { ...g, outC, depthMultiplier };
}

export function prepareDepthwiseConv2dInt8(s: DepthwiseSpec, q: ConvQuantSpec): DepthwiseConv2dInt8Params {
  const where = "DEPTHWISE_CONV_2D";
  const g = prepareDepthwiseGeometry(where, s);
  requireSymmetricWeights(where, q.filter);
  return { ...g, ...prepareConvOutputQuant(where, q, g.outC, s.activation) };
}

export function evalDepthwiseConv2dInt8(p: DepthwiseConv2dInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, filterH, filterW, depthMultiplier } = p;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft, inputOffset, outputOffset, actMin, actMax } = p;
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
              acc += (input[((b * inH + iy) * inW + ix) * inC + ic]! + inputOffset) * filter[(ky * filterW + kx) * outC + oc]!;
            }
          }
          if (bias !== null) acc += bias[oc]!;
          let v = multiplyByQuantizedMultiplier(acc | 0, p.outputMultiplier[oc]!, p.outputShift[oc]!) + outputOffset;
          v = v < actMin ? actMin : v > actMax ? actMax : v;
          output[o++] = v;
        }
      }
    }
  }
}
