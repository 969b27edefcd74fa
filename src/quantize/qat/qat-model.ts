/**
 * Quantization-aware training of a zoo-style model (chains and Residual blocks, as LeNet, DS-CNN, MobileNetV2):
 * the forward pass simulates the int8 graph the model will be lowered to. Per weighted unit (lower/layer-plan.ts):
 *  - BN folded into the weights as the export folds it, w' = w * gamma / sqrt(running_var + eps), using the
 *    running (frozen) statistics, so gamma, beta, weights and bias still train and the folded weights are what
 *    gets quantized;
 *  - weights fake-quantized symmetric int8 ([-127, 127]; per channel for convs, per tensor for FC);
 *  - the fused ReLU/ReLU6, then the output fake-quantized per tensor with its EMA range.
 * The model input and each residual ADD's output are fake-quantized with their own EMA ranges. Gradients pass
 * straight through the rounding. Mixed precision: `bits` (by unit name) narrows a unit's weights to b-bit
 * symmetric levels on the MSE-clipped range and its output to a 2^b-level grid, exactly as
 * mixed/quantize-assignment.ts exports them.
 */
import { add, conv2d, depthwiseConv2d, fakeQuantize, linear, mul, relu, relu6, reshape, sub, Variable } from "../../autograd/index.js";
import { UnsupportedError } from "../../errors/index.js";
import { planLayers, type LayerUnit } from "../../lower/index.js";
import { DepthwiseConv2d, Linear, ReLU, ReLU6, Residual, resolvePadding, type Module } from "../../nn/index.js";
import type { Tensor } from "../../tensor/index.js";
import type { TrainableModel } from "../../train/index.js";
import { gridRange } from "../mixed/quantize-assignment.js";
import { clipWeightsForBits } from "../mixed/weight-clipping.js";
import { activationQuant } from "../quant-params.js";
import { EmaRange } from "./ema-range.js";

type Weighted = Extract<LayerUnit, { kind: "weighted" }>;

/** A weighted unit's widths (mixed precision); absent units are 8/8. */
export interface UnitBits {
  weights: number;
  activations: number;
}

export class QatModel implements TrainableModel {
  readonly flatInput = false;
  readonly inputRange: EmaRange;
  /** Output range of each weighted unit, by the unit's name (the lowered graph's tensor name). */
  readonly ranges = new Map<string, EmaRange>();
  private readonly units: LayerUnit[];
  /** Planned body and shortcut of each Residual. */
  private readonly residuals = new Map<Residual, { body: LayerUnit[]; shortcut: LayerUnit[] | null }>();
  private training = true;

  constructor(
    readonly model: Module,
    readonly inputShape: readonly number[],
    private readonly decay = 0.99,
    readonly bits: ReadonlyMap<string, UnitBits> = new Map(),
  ) {
    this.inputRange = new EmaRange(decay);
    this.units = this.plan([model]);
  }

  /** Plans units and creates a range for every quantized output: weighted units and residual ADDs. */
  private plan(modules: readonly Module[]): LayerUnit[] {
    const units = planLayers(modules);
    for (const u of units) {
      if (u.kind === "weighted") {
        this.ranges.set(u.name, new EmaRange(this.decay));
      } else if (u.module instanceof Residual) {
        const r = u.module;
        this.residuals.set(r, { body: this.plan([r.body]), shortcut: r.shortcut ? this.plan([r.shortcut]) : null });
        this.ranges.set(u.name, new EmaRange(this.decay));
      } else if (u.module instanceof ReLU || u.module instanceof ReLU6) {
        throw new UnsupportedError(
          `QAT: ${u.module.label} is not simulated on its own (only fused after a conv or FC)`,
          "put the activation right after a Conv2d/Linear (and its BatchNorm), or use --mode ptq",
        );
      }
    }
    return units;
  }

  forward(x: Variable): Variable {
    return this.run(this.units, this.fakeQuantActivation(x, this.inputRange));
  }

  private run(units: readonly LayerUnit[], x: Variable): Variable {
    let h = x;
    for (const u of units) {
      if (u.kind === "weighted") {
        h = this.fakeQuantActivation(this.weighted(u, h), this.ranges.get(u.name)!, this.bits.get(u.name)?.activations ?? 8);
      } else if (u.module instanceof Residual) {
        const plan = this.residuals.get(u.module)!;
        const body = this.run(plan.body, h);
        const skip = plan.shortcut ? this.run(plan.shortcut, h) : h;
        h = this.fakeQuantActivation(add(body, skip), this.ranges.get(u.name)!);
      } else {
        h = u.module.forward(h);
      }
    }
    return h;
  }

  namedParameters(): [string, Variable][] {
    return this.model.namedParameters();
  }

  namedBuffers(): [string, Tensor<"f32">][] {
    return this.model.namedBuffers();
  }

  setTraining(training: boolean): void {
    this.training = training;
    if (training) this.model.train();
    else this.model.eval();
  }

  private fakeQuantActivation(x: Variable, range: EmaRange, bits = 8): Variable {
    if (this.training) range.update(x.values);
    const [lo, hi] = bits < 8 ? gridRange([range.min, range.max], bits) : [range.min, range.max];
    const q = activationQuant(lo, hi);
    return fakeQuantize(x, { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! });
  }

  /** Folded weight and bias as tape expressions of the layer's and BN's parameters. */
  private folded(u: Weighted): { w: Variable; b: Variable } {
    const L = u.layer;
    const channels = L.weight.shape[L instanceof DepthwiseConv2d ? 3 : 0]!;
    const b0 = L.bias ?? Variable.from(new Float32Array(channels), [channels]);
    if (!u.bn) return { w: L.weight, b: b0 };
    const bn = u.bn;
    const eps = bn.opts.eps ?? 1e-5;
    const invStd = Variable.from(Float32Array.from(bn.runningVar.data, (v) => 1 / Math.sqrt(v + eps)), [channels]);
    const s = mul(bn.weight, invStd);
    const sw = L instanceof DepthwiseConv2d ? s : reshape(s, L instanceof Linear ? [channels, 1] : [channels, 1, 1, 1]);
    const mean = Variable.from(Float32Array.from(bn.runningMean.data), [channels]);
    return { w: mul(L.weight, sw), b: add(mul(sub(b0, mean), s), bn.bias) };
  }

  private weighted(u: Weighted, x: Variable): Variable {
    const L = u.layer;
    const { w, b } = this.folded(u);
    const wq = fakeQuantize(w, weightFakeQuant(w, L instanceof Linear ? null : L instanceof DepthwiseConv2d ? 3 : 0, this.bits.get(u.name)?.weights ?? 8));
    let y: Variable;
    if (L instanceof Linear) {
      y = linear(x, wq, b);
    } else {
      const pads = resolvePadding(L.padding, x.shape[1]!, x.shape[2]!, L.kernel, L.stride, L.dilation);
      const params = { strideH: L.stride[0], strideW: L.stride[1], dilationH: L.dilation[0], dilationW: L.dilation[1], ...pads };
      y = L instanceof DepthwiseConv2d ? depthwiseConv2d(x, wq, b, params) : conv2d(x, wq, b, { ...params, groups: L.groups });
    }
    return u.act === "RELU" ? relu(y) : u.act === "RELU6" ? relu6(y) : y;
  }
}

/**
 * Symmetric weight parameters from the current weights, exactly as quantizeWeights computes them: int8 from
 * max|w|; narrower widths from max|w| of the MSE-clipped weights (as the mixed-precision export clips them).
 */
function weightFakeQuant(w: Variable, axis: number | null, bits = 8) {
  const qmax = 2 ** (bits - 1) - 1;
  const values = bits < 8 ? clipWeightsForBits(w.values, w.shape, axis, bits) : w.values;
  if (axis === null) {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
    return { scale: Math.fround(m > 0 ? m / qmax : 1e-8), qmin: -qmax, qmax };
  }
  const channels = w.shape[axis]!;
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  return { scale: Float32Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / qmax : 1e-8)), axis, qmin: -qmax, qmax };
}
