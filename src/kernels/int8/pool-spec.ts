/** Geometry shared by AVERAGE_POOL_2D and MAX_POOL_2D (int8 and float). */
import { UnsupportedError } from "../../errors/index.js";
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
