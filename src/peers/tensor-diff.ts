/**
 * How far one tensor is from a reference tensor, in the unit a user reasons in: for two int8 tensors
 * with the same quantization, whole LSB (quantization steps); for an int8 tensor against a float
 * reference, the dequantized difference also expressed in LSB of the int8 tensor's scale; for two float
 * tensors, absolute and relative difference.
 */

/** Per-tensor affine quantization of a tensor being compared (real = scale * (q - zeroPoint)). */
export interface SampleQuant {
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface TensorSample {
  readonly values: ArrayLike<number>;
  /** Present when `values` are quantized integers; absent for real-valued (float) tensors. */
  readonly quant?: SampleQuant;
}

export interface TensorDiff {
  readonly elements: number;
  /** Elements that differ at all. */
  readonly differing: number;
  /** Elements differing by more than the tolerance the diff was computed with. */
  readonly mismatches: number;
  /** Largest difference in real units (dequantized where quantized). */
  readonly maxAbsDiff: number;
  /** Largest difference in LSB of our tensor's quantization; absent when ours is float. */
  readonly maxLsbDiff?: number;
  /**
   * For an int8 tensor against a real-valued reference: reference elements outside the range int8 can
   * represent with our scale and zero point (saturation: the calibration range was too narrow).
   */
  readonly outOfRange?: number;
  /** ||ours - ref|| / ||ref|| over the whole tensor (0 when both are zero). */
  readonly relativeError: number;
}

export interface DiffTolerance {
  /** For quantized tensors: differences up to this many LSB are not mismatches. */
  readonly lsb: number;
  /** For float tensors: |d| <= abs + rel * |ref| is not a mismatch. */
  readonly abs: number;
  readonly rel: number;
}

export const EXACT: DiffTolerance = { lsb: 0, abs: 0, rel: 0 };

export function diffTensors(ours: TensorSample, ref: TensorSample, tolerance: DiffTolerance = EXACT): TensorDiff {
  if (ours.values.length !== ref.values.length) {
    throw new RangeError(`cannot diff tensors of ${ours.values.length} and ${ref.values.length} elements`);
  }
  const oq = ours.quant;
  const rq = ref.quant;
  const real = (q: SampleQuant | undefined, v: number): number => (q ? q.scale * (v - q.zeroPoint) : v);
  let mismatches = 0;
  let differing = 0;
  let maxAbs = 0;
  let maxLsb = 0;
  let outOfRange = 0;
  const checkRange = oq !== undefined && rq === undefined && ours.values instanceof Int8Array;
  let diffSq = 0;
  let refSq = 0;
  for (let i = 0; i < ours.values.length; i++) {
    const o = real(oq, ours.values[i]!);
    const r = real(rq, ref.values[i]!);
    const d = Math.abs(o - r);
    if (d !== 0) differing++;
    diffSq += d * d;
    refSq += r * r;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
    if (checkRange) {
      const q = r / oq!.scale + oq!.zeroPoint;
      if (q < -128.5 || q > 127.5) outOfRange++;
    }
    if (oq) {
      // Same quantization on both sides: count whole steps exactly, without float rounding noise.
      const lsb = rq && rq.scale === oq.scale && rq.zeroPoint === oq.zeroPoint ? Math.abs(ours.values[i]! - ref.values[i]!) : d / oq.scale;
      if (lsb > maxLsb) maxLsb = lsb;
      if (lsb > tolerance.lsb + 1e-9) mismatches++;
    } else if (!(d <= tolerance.abs + tolerance.rel * Math.abs(r))) {
      mismatches++;
    }
  }
  const relativeError = refSq === 0 ? (diffSq === 0 ? 0 : Infinity) : Math.sqrt(diffSq / refSq);
  return {
    elements: ours.values.length,
    differing,
    mismatches,
    maxAbsDiff: maxAbs,
    ...(oq ? { maxLsbDiff: maxLsb } : {}),
    ...(checkRange ? { outOfRange } : {}),
    relativeError,
  };
}
