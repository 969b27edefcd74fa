/** Quantization parameters as kernels see them (structurally compatible with the graph IR's QuantParams). */
import { UnsupportedError } from "../../errors/index.js";

export interface TensorQuant {
  scale: readonly number[];
  zeroPoint: readonly number[];
}

/** The single scale/zero point of a per-tensor quantized tensor; throws if it has none or several. */
export function perTensor(where: string, role: string, q: TensorQuant | undefined): { scale: number; zeroPoint: number } {
  if (!q || q.scale.length === 0) {
    throw new UnsupportedError(`${where}: the ${role} tensor has no quantization parameters`, "int8 tensors need a scale and zero point; re-quantize the model");
  }
  if (q.scale.length !== 1) {
    throw new UnsupportedError(`${where}: the ${role} tensor is quantized per channel (${q.scale.length} scales) where one scale is required`, "quantize this tensor per tensor");
  }
  const scale = q.scale[0]!;
  const zeroPoint = q.zeroPoint[0] ?? 0;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new UnsupportedError(`${where}: the ${role} tensor has scale ${scale}; scales must be positive and finite`, "re-quantize the model");
  }
  if (!Number.isInteger(zeroPoint) || zeroPoint < -128 || zeroPoint > 127) {
    throw new UnsupportedError(`${where}: the ${role} tensor has zero point ${zeroPoint}, outside int8 [-128, 127]`, "re-quantize the model");
  }
  return { scale, zeroPoint };
}

/** TFLite's int8 conv kernels assume symmetric weights (zero point 0) and never read the filter's zero points. */
export function requireSymmetricWeights(where: string, q: TensorQuant | undefined): void {
  const bad = q?.zeroPoint.findIndex((z) => z !== 0) ?? -1;
  if (bad >= 0) {
    throw new UnsupportedError(
      `${where}: filter zero point ${bad} is ${q!.zeroPoint[bad]}; int8 convolution weights must be symmetric (zero point 0)`,
      "re-quantize the weights symmetrically, as TFLite's quantization spec requires",
    );
  }
}

/** Per-channel filter scales expanded to one per output channel (a single scale is shared by all). */
export function channelScales(where: string, q: TensorQuant | undefined, channels: number): number[] {
  if (!q || q.scale.length === 0) {
    throw new UnsupportedError(`${where}: the filter tensor has no quantization parameters`, "int8 weights need scales; re-quantize the model");
  }
  if (q.scale.length !== 1 && q.scale.length !== channels) {
    throw new UnsupportedError(
      `${where}: the filter has ${q.scale.length} scales but ${channels} output channels`,
      "per-channel weights need exactly one scale per output channel",
    );
  }
  const scales: number[] = [];
  for (let c = 0; c < channels; c++) {
    const s = q.scale.length === 1 ? q.scale[0]! : q.scale[c]!;
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new UnsupportedError(`${where}: filter scale ${c} is ${s}; scales must be positive and finite`, "re-quantize the model");
    }
    scales.push(s);
  }
  return scales;
}
