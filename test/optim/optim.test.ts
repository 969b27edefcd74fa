import { describe, expect, it } from "vitest";
import { Variable } from "../../src/autograd/index.js";
import { Tensor } from "../../src/tensor/index.js";
import { Adam, cosineSchedule, SGD, stepSchedule } from "../../src/optim/index.js";

function param(values: number[]): Variable {
  return Variable.from(values, [values.length], true);
}

function setGrad(p: Variable, g: number[]): void {
  p.grad = new Tensor([g.length], "f32", Float32Array.from(g));
}

describe("optimizers", () => {
  it("SGD with momentum, nesterov and weight decay follows PyTorch's update by hand", () => {
    const p = param([1, -2]);
    const opt = new SGD([["p", p]], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    setGrad(p, [0.5, 0.5]);
    opt.step();
    // g = 0.5 + 0.01 * p; buf = g; p -= 0.1 * buf
    const g0 = [0.5 + 0.01 * 1, 0.5 - 0.02];
    const p1 = [1 - 0.1 * g0[0]!, -2 - 0.1 * g0[1]!];
    expect(p.values[0]).toBeCloseTo(p1[0]!, 6);
    setGrad(p, [0.5, 0.5]);
    opt.step();
    const g1 = 0.5 + 0.01 * p1[0]!;
    const buf = 0.9 * g0[0]! + g1;
    expect(p.values[0]).toBeCloseTo(p1[0]! - 0.1 * buf, 6);

    const r = param([2]);
    const plain = new SGD([r], { lr: 0.5, momentum: 0.5 });
    setGrad(r, [1]);
    plain.step(); // buf = 1 -> 1.5
    setGrad(r, [1]);
    plain.step(); // buf = 0.5 * 1 + 1 = 1.5 -> 0.75
    expect(r.values[0]).toBeCloseTo(0.75, 6);

    const q = param([1]);
    const nes = new SGD([q], { lr: 0.1, momentum: 0.9, nesterov: true });
    setGrad(q, [1]);
    nes.step(); // buf = 1, step = g + 0.9 * buf = 1.9
    expect(q.values[0]).toBeCloseTo(1 - 0.19, 6);
  });

  it("Adam's first step moves each weight by lr * sign(grad); AdamW shrinks weights", () => {
    const p = param([1, 1]);
    const opt = new Adam([["p", p]], { lr: 0.01 });
    setGrad(p, [3, -0.2]);
    opt.step();
    expect(p.values[0]).toBeCloseTo(0.99, 5);
    expect(p.values[1]).toBeCloseTo(1.01, 5);
    const q = param([2]);
    const w = new Adam([q], { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    setGrad(q, [0]);
    w.step();
    expect(q.values[0]).toBeCloseTo(2 * (1 - 0.05), 6);
  });

  it("skips frozen parameters and parameters without a gradient", () => {
    const a = param([1]);
    const b = param([1]);
    b.requiresGrad = false;
    setGrad(b, [1]);
    const opt = new SGD([a, b], { lr: 1 });
    opt.step();
    expect(a.values[0]).toBe(1);
    expect(b.values[0]).toBe(1);
  });

  it("exports and imports state as named tensors: a resumed run matches an uninterrupted one exactly", () => {
    const run = (resumeAt: number | null): Float32Array => {
      let p = param([0.3, -0.7, 1.1]);
      let opt = new Adam([["layer.w", p]], { lr: 0.05, weightDecay: 0.01 });
      for (let s = 0; s < 6; s++) {
        if (s === resumeAt) {
          const state = opt.stateTensors();
          expect([...state.keys()]).toEqual(["step", "layer.w.exp_avg", "layer.w.exp_avg_sq"]);
          p = param(Array.from(p.values));
          opt = new Adam([["layer.w", p]], { lr: 0.05, weightDecay: 0.01 });
          opt.loadStateTensors(state);
        }
        setGrad(p, Array.from(p.values, (v) => Math.sin(3 * v + s)));
        opt.step();
      }
      return p.values;
    };
    expect(run(3)).toEqual(run(null));
    const opt = new SGD([["w", param([1])]], { lr: 0.1, momentum: 0.9 });
    expect(() => opt.loadStateTensors(new Map())).toThrow(/missing \[step, w.momentum\]/);
  });

  it("rejects a non-positive learning rate", () => {
    expect(() => new SGD([param([1])], { lr: 0 })).toThrow(/learning rate 0/);
  });
});

describe("schedules", () => {
  it("step schedule decays by gamma every stepSize", () => {
    const s = stepSchedule({ baseLr: 0.1, stepSize: 10, gamma: 0.5 });
    expect([s(0), s(9), s(10), s(25)]).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it("cosine schedule warms up linearly, then falls from base to min", () => {
    const s = cosineSchedule({ baseLr: 1, totalSteps: 12, warmupSteps: 2, minLr: 0.1 });
    expect(s(0)).toBeCloseTo(0.5);
    expect(s(1)).toBeCloseTo(1);
    expect(s(2)).toBeCloseTo(1);
    expect(s(7)).toBeCloseTo(0.55);
    expect(s(12)).toBeCloseTo(0.1);
    expect(s(100)).toBeCloseTo(0.1);
  });
});
