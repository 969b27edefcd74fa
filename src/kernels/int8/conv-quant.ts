/** Per-channel requantization constants of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED (PopulateConvolutionQuantizationParams). */
import { ArgumentError } from "../../errors/index.js";
import { quantizeMultiplier } from "./quantize-math.js";

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
