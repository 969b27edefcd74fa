/** Per-channel requantization constants of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED (PopulateConvolutionQuantizationParams). */
import { ArgumentError } from "../../errors/index.js";
import { activationRangeInt8 } from "./activation-range.js";
import { channelScales, perTensor, type TensorQuant } from "./quant-types.js";
import { quantizeMultiplier } from "./quantize-math.js";

export interface ConvQuantSpec {
  input: TensorQuant | undefined;
  filter: TensorQuant | undefined;
  output: TensorQuant | undefined;
}

/** What every int8 conv-like kernel needs besides its geometry: offsets, per-channel requantization, clamp range. */
export interface ConvOutputQuant {
  inputOffset: number;
  outputOffset: number;
  outputMultiplier: Int32Array;
  outputShift: Int32Array;
  actMin: number;
  actMax: number;
}

export interface ChannelRequant {
  multiplier: Int32Array;
  shift: Int32Array;
}

/** effective scale = input_scale * filter_scale[c] / output_scale, in double, per output channel. */
export function channelRequant(inputScale: number, filterScales: readonly number[], outputScale: number): ChannelRequant {
  const n = filterScales.length;
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const real = (inputScale * filterScales[c]!) / outputScale;
    if (!Number.isFinite(real)) {
      throw new ArgumentError(`channel ${c}: effective output scale is ${real}`, "scales must be positive and finite");
    }
    const q = quantizeMultiplier(real);
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { multiplier, shift };
}

/** Per-tensor input/output, per-channel filter scales (the caller has already checked the weights' zero points). */
export function prepareConvOutputQuant(where: string, q: ConvQuantSpec, channels: number, activation: string): ConvOutputQuant {
  const input = perTensor(where, "input", q.input);
  const output = perTensor(where, "output", q.output);
  const { multiplier, shift } = channelRequant(input.scale, channelScales(where, q.filter, channels), output.scale);
  const range = activationRangeInt8(activation, output.scale, output.zeroPoint);
  return {
    inputOffset: -input.zeroPoint,
    outputOffset: output.zeroPoint,
    outputMultiplier: multiplier,
    outputShift: shift,
    actMin: range.min,
    actMax: range.max,
  };
}
