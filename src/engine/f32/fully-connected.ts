/** FULLY_CONNECTED float32 (TFLite reference_ops::FullyConnected). */
import type { FullyConnectedGeometry } from "../../kernels/int8/fully-connected.js";

export interface FullyConnectedF32Params extends FullyConnectedGeometry {
  actMin: number;
  actMax: number;
}

export function evalFullyConnectedF32(p: FullyConnectedF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, accumDepth, outDepth, actMin, actMax } = p;
  for (let b = 0; b < batches; b++) {
    for (let oc = 0; oc < outDepth; oc++) {
      let acc = 0;
      for (let d = 0; d < accumDepth; d++) acc += input[b * accumDepth + d]! * filter[oc * accumDepth + d]!;
      if (bias !== null) acc += bias[oc]!;
      output[b * outDepth + oc] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
    }
  }
}
