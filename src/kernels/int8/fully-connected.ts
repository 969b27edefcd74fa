/** FULLY_CONNECTED int8 (TFLite reference_integer_ops::FullyConnected, per-tensor or per-channel weights). */
import { ShapeError, UnsupportedError } from "../../errors/index.js";
import { prepareConvOutputQuant, type ConvOutputQuant, type ConvQuantSpec } from "./conv-quant.js";
import { multiplyByQuantizedMultiplier } from "./quantize-math.js";
import { elementCountOf } from "./shape-checks.js";

export interface FullyConnectedSpec {
  inputShape: readonly number[];
  /** [outDepth, accumDepth]. */
  filterShape: readonly number[];
  biasShape: readonly number[] | null;
  outputShape: readonly number[];
  activation: string;
}

export interface FullyConnectedGeometry {
  batches: number;
  accumDepth: number;
  outDepth: number;
}

/** outputMultiplier/outputShift have one entry per output channel (a per-tensor multiplier is repeated). */
export interface FullyConnectedInt8Params extends FullyConnectedGeometry, ConvOutputQuant {
  filterOffset: number;
}

export function prepareFullyConnectedGeometry(where: string, s: FullyConnectedSpec): FullyConnectedGeometry {
  if (s.filterShape.length !== 2) {
    throw new ShapeError(`${where}: weights must be 2-D [out, in], got [${s.filterShape.join(", ")}]`, "re-export the model");
  }
  const [outDepth, accumDepth] = s.filterShape as [number, number];
  const inputSize = elementCountOf(s.inputShape);
  if (accumDepth < 1 || inputSize % accumDepth !== 0) {
    throw new ShapeError(
      `${where}: input [${s.inputShape.join(", ")}] (${inputSize} elements) is not a whole number of rows of ${accumDepth}, the weights' input depth`,
      "the input's last dimension must match the weights' second dimension",
    );
  }
  const batches = inputSize / accumDepth;
  if (s.biasShape !== null && elementCountOf(s.biasShape) !== outDepth) {
    throw new ShapeError(`${where}: bias [${s.biasShape.join(", ")}] must have ${outDepth} elements`, "re-export the model");
  }
  if (elementCountOf(s.outputShape) !== batches * outDepth || s.outputShape[s.outputShape.length - 1] !== outDepth) {
    throw new ShapeError(
      `${where}: output is declared [${s.outputShape.join(", ")}] but the op computes ${batches} rows of ${outDepth}`,
      "the model's shapes are inconsistent; re-export it",
    );
  }
  return { batches, accumDepth, outDepth };
}

export function prepareFullyConnectedInt8(
  s: FullyConnectedSpec,
  q: ConvQuantSpec,
): FullyConnectedInt8Params {
  const where = "FULLY_CONNECTED";
  const g = prepareFullyConnectedGeometry(where, s);
  const filterZeroPoint = q.filter?.zeroPoint[0] ?? 0;
  if (q.filter && q.filter.zeroPoint.some((z) => z !== filterZeroPoint)) {
    throw new UnsupportedError(`${where}: per-channel weights must share one zero point`, "quantize weights symmetrically (zero point 0)");
  }
  return { ...g, filterOffset: -filterZeroPoint, ...prepareConvOutputQuant(where, q, g.outDepth, s.activation) };
}

export function evalFullyConnectedInt8(p: FullyConnectedInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, accumDepth, outDepth, inputOffset, filterOffset, outputOffset, actMin, actMax } = p;
  for (let b = 0; b < batches; b++) {
    const inBase = b * accumDepth;
    for (let oc = 0; oc < outDepth; oc++) {
      const fBase = oc * accumDepth;
      let acc = 0;
      for (let d = 0; d < accumDepth; d++) acc += (filter[fBase + d]! + filterOffset) * (input[inBase + d]! + inputOffset);
      if (bias !== null) acc += bias[oc]!;
      let v = multiplyByQuantizedMultiplier(acc | 0, p.outputMultiplier[oc]!, p.outputShift[oc]!) + outputOffset;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      output[b * outDepth + oc] = v;
    }
  }
}
