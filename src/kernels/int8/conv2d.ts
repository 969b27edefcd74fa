/** CONV_2D int8 (TFLite reference_integer_ops::ConvPerChannel): NHWC input, OHWI per-channel weights, int32 bias. */
import { ShapeError } from "../../errors/index.js";
import { prepareConvOutputQuant, type ConvOutputQuant, type ConvQuantSpec } from "./conv-quant.js";
import { windowGeometry, type PaddingKind, type WindowGeometry } from "./geometry.js";
import { requireSymmetricWeights } from "./quant-types.js";
import { multiplyByQuantizedMultiplier } from "./quantize-math.js";
import { checkOutputShape } from "./shape-checks.js";

export interface ConvSpec {
  inputShape: readonly number[];
  filterShape: readonly number[];
  /** null when the op has no bias input. */
  biasShape: readonly number[] | null;
  outputShape: readonly number[];
  padding: PaddingKind;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  activation: string;
}

export type { ConvQuantSpec } from "./conv-quant.js";

export interface Conv2dGeometry extends WindowGeometry {
  outC: number;
  /** Input channels each filter sees (inC / groups). */
  filterInC: number;
  /** Output channels per group. */
  outCPerGroup: number;
}

export interface Conv2dInt8Params extends Conv2dGeometry, ConvOutputQuant {}

/** Shape checks shared by the int8 and float CONV_2D. */
export function prepareConv2dGeometry(where: string, s: ConvSpec): Conv2dGeometry {
  if (s.filterShape.length !== 4) {
    throw new ShapeError(`${where}: filter must be 4-D OHWI, got [${s.filterShape.join(", ")}]`, "conv weights are [out_channels, kh, kw, in_channels]");
  }
  const [outC, filterH, filterW, filterInC] = s.filterShape as [number, number, number, number];
  const g = windowGeometry(where, s.inputShape, { padding: s.padding, strideH: s.strideH, strideW: s.strideW, dilationH: s.dilationH, dilationW: s.dilationW, filterH, filterW });
  if (filterInC < 1 || g.inC % filterInC !== 0 || outC % (g.inC / filterInC) !== 0) {
    throw new ShapeError(
      `${where}: filter [${s.filterShape.join(", ")}] does not fit input [${s.inputShape.join(", ")}] (input channels must be a multiple of the filter's ${filterInC})`,
      "conv weights are OHWI: [out_channels, kh, kw, in_channels / groups]",
    );
  }
  if (s.biasShape !== null && s.biasShape.reduce((a, b) => a * b, 1) !== outC) {
    throw new ShapeError(`${where}: bias [${s.biasShape.join(", ")}] must have ${outC} elements, one per output channel`, "re-export the model");
  }
  checkOutputShape(where, s.outputShape, [g.batches, g.outH, g.outW, outC]);
  return { ...g, outC, filterInC, outCPerGroup: outC / (g.inC / filterInC) };
}

export function prepareConv2dInt8(s: ConvSpec, q: ConvQuantSpec): Conv2dInt8Params {
  const where = "CONV_2D";
  const g = prepareConv2dGeometry(where, s);
  requireSymmetricWeights(where, q.filter);
  return { ...g, ...prepareConvOutputQuant(where, q, g.outC, s.activation) };
}

export function evalConv2dInt8(p: Conv2dInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, inH, inW, inC, outH, outW, outC, filterH, filterW, filterInC, outCPerGroup } = p;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft, inputOffset, outputOffset, actMin, actMax } = p;
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
            // Padded pixels contribute nothing: they stand for real zero.
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ix = inX0 + dilationW * kx;
              if (ix < 0 || ix >= inW) continue;
              const inBase = ((b * inH + iy) * inW + ix) * inC + groupChannel0;
              const fBase = ((oc * filterH + ky) * filterW + kx) * filterInC;
              for (let ic = 0; ic < filterInC; ic++) acc += (input[inBase + ic]! + inputOffset) * filter[fBase + ic]!;
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
