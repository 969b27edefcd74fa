/**
 * Parameters and multiply-accumulates of each Linear / Conv2d layer of a Sequential model, found by running one
 * zero example through it (so convolution output sizes come from the layers themselves, not from a formula
 * copied here). Used by channel pruning's before/after report.
 */
import { noGrad, Variable } from "../autograd/index.js";
import { Conv2d, Linear, type Sequential } from "../nn/index.js";
import { Tensor } from "../tensor/index.js";

export interface LayerCost {
  layer: string;
  /** Output channels (Conv2d) or features (Linear). */
  channels: number;
  params: number;
  macs: number;
}

export function layerCosts(model: Sequential, inputShape: readonly number[]): LayerCost[] {
  const out: LayerCost[] = [];
  const size = inputShape.reduce((a, b) => a * b, 1);
  noGrad(() => {
    let h = new Variable(new Tensor([1, ...inputShape], "f32", new Float32Array(size)));
    for (const [name, m] of model.namedModules().filter(([p]) => p !== "" && !p.includes("."))) {
      h = m.forward(h);
      const params = m.parameterCount();
      if (m instanceof Linear) out.push({ layer: name, channels: m.outFeatures, params, macs: m.inFeatures * m.outFeatures });
      else if (m instanceof Conv2d) {
        // every output value is a dot product over kernel taps times the group's input channels
        const perOutput = m.kernel[0] * m.kernel[1] * (m.inChannels / m.groups);
        out.push({ layer: name, channels: m.outChannels, params, macs: h.size * perOutput });
      }
    }
  });
  return out;
}
