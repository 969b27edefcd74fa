/** Geometry shared by AVERAGE_POOL_2D and MAX_POOL_2D (int8 and float). */
import { UnsupportedError } from "../../errors/index.js";
import { activationRangeInt8 } from "./activation-range.js";
import { windowGeometry, type PaddingKind, type WindowGeometry } from "./geometry.js";
import { checkOutputShape } from "./shape-checks.js";
import { perTensor, type TensorQuant } from "./quant-types.js";

export interface PoolSpec {
  inputShape: readonly number[];
  outputShape: readonly number[];
  padding: PaddingKind;
  strideH: number;
  strideW: number;
  filterH: number;
  filterW: number;
  activation: string;
}

export function preparePoolGeometry(where: string, s: PoolSpec): WindowGeometry {
  const g = windowGeometry(where, s.inputShape, { padding: s.padding, strideH: s.strideH, strideW: s.strideW, filterH: s.filterH, filterW: s.filterW });
  checkOutputShape(where, s.outputShape, [g.batches, g.outH, g.outW, g.inC]);
  return g;
}

/** int8 pools do not requantize: input and output must share scale and zero point. */
export function requireSameQuant(where: string, input: TensorQuant | undefined, output: TensorQuant | undefined): { scale: number; zeroPoint: number } {
  const i = perTensor(where, "input", input);
  const o = perTensor(where, "output", output);
  if (i.scale !== o.scale || i.zeroPoint !== o.zeroPoint) {
    throw new UnsupportedError(
      `${where}: input (scale ${i.scale}, zero point ${i.zeroPoint}) and output (scale ${o.scale}, zero point ${o.zeroPoint}) must share quantization`,
      "TFLite's int8 kernel does not rescale here; re-quantize so both tensors use the same parameters",
    );
  }
  return o;
}

export interface PoolInt8Params extends WindowGeometry {
  actMin: number;
  actMax: number;
}

/** The prepare step both int8 pools share: geometry, identical input/output quantization, the clamp range. */
export function preparePoolInt8(where: string, s: PoolSpec, input: TensorQuant | undefined, output: TensorQuant | undefined): PoolInt8Params {
  const g = preparePoolGeometry(where, s);
  const q = requireSameQuant(where, input, output);
  const range = activationRangeInt8(s.activation, q.scale, q.zeroPoint);
  return { ...g, actMin: range.min, actMax: range.max };
}
