/**
 * Test doubles written against the training loop's contracts: softmax regression with a "buffer" that
 * tracks the mean input (so buffer checkpointing is exercised) and plain SGD with momentum.
 */
import { linear, Variable } from "../../src/autograd/index.js";
import { Tensor, type Rng } from "../../src/tensor/index.js";
import type { TrainableModel, TrainOptimizer } from "../../src/train/index.js";

export class SoftmaxRegression implements TrainableModel {
  readonly flatInput = true;
  readonly weight: Variable;
  readonly bias = Variable.zeros([10], true);
  readonly inputMean = new Tensor([1], "f32");
  training = true;

  constructor(rng: Rng) {
    this.weight = Variable.from(Float32Array.from({ length: 7840 }, () => rng.normal() * 0.01), [10, 784], true);
  }

  forward(x: Variable): Variable {
    if (this.training) {
      let s = 0;
      for (const v of x.values) s += v;
      this.inputMean.data[0] = 0.9 * this.inputMean.data[0]! + 0.1 * (s / x.size);
    }
    return linear(x, this.weight, this.bias);
  }

  namedParameters(): [string, Variable][] {
    return [["fc.weight", this.weight], ["fc.bias", this.bias]];
  }

  namedBuffers(): [string, Tensor<"f32">][] {
    return [["stats.input_mean", this.inputMean]];
  }

  setTraining(training: boolean): void {
    this.training = training;
  }
}

export class MomentumSgd implements TrainOptimizer {
  private readonly velocity: Map<string, Float32Array>;

  constructor(private readonly params: [string, Variable][], private readonly momentum = 0.9) {
    this.velocity = new Map(params.map(([name, p]) => [name, new Float32Array(p.size)]));
  }

  step(lr: number): void {
    for (const [name, p] of this.params) {
      const v = this.velocity.get(name)!;
      const g = p.grad!.data;
      for (let i = 0; i < v.length; i++) {
        v[i] = this.momentum * v[i]! + g[i]!;
        p.values[i]! -= lr * v[i]!;
      }
    }
  }

  zeroGrad(): void {
    for (const [, p] of this.params) p.grad = null;
  }

  stateTensors(): [string, Tensor][] {
    return this.params.map(([name, p]) => [`${name}.velocity`, new Tensor(p.shape, "f32", this.velocity.get(name)!)]);
  }

  loadStateTensors(state: ReadonlyMap<string, Tensor>): void {
    for (const [name] of this.params) this.velocity.get(name)!.set(state.get(`${name}.velocity`)!.data as Float32Array);
  }
}
