/**
 * Optimizer base. An optimizer updates named parameters in place from their `grad` (parameters that are
 * frozen or got no gradient are skipped) and keeps per-parameter state as named tensors, so a checkpoint can
 * store it next to the weights and a resumed run continues bit for bit:
 *
 *   const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
 *   opt.lr = schedule(step); opt.step(); opt.zeroGrad();
 *   opt.stateTensors()      // Map: "step" (i32 [1]), "<param>.<slot>" (f32, the parameter's shape)
 *   opt.loadStateTensors(map)
 */
import type { Variable } from "../autograd/index.js";
import { ArgumentError, ShapeError } from "../errors/index.js";
import { formatShape, shapesEqual, Tensor } from "../tensor/index.js";

export type NamedParameters = readonly (readonly [string, Variable])[];

export abstract class Optimizer {
  lr: number;
  /** Number of step() calls so far (drives Adam's bias correction; saved in the state). */
  stepCount = 0;
  protected readonly params: NamedParameters;
  /** Per-parameter state slots, e.g. "momentum" or "exp_avg", aligned with params. */
  protected readonly slots: Map<string, Float32Array[]> = new Map();

  constructor(params: NamedParameters | readonly Variable[], lr: number, slotNames: readonly string[]) {
    if (!(lr > 0) || !Number.isFinite(lr)) {
      throw new ArgumentError(`learning rate ${lr} must be a positive finite number`, "pass lr such as 0.01");
    }
    this.lr = lr;
    this.params = params.map((p, i) => (Array.isArray(p) ? (p as readonly [string, Variable]) : ([String(i), p as Variable] as const)));
    const names = new Set(this.params.map(([n]) => n));
    if (names.size !== this.params.length) {
      throw new ArgumentError("optimizer parameter names repeat", "pass model.namedParameters() so every parameter has a distinct name");
    }
    for (const slot of slotNames) this.slots.set(slot, this.params.map(([, v]) => new Float32Array(v.size)));
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    this.params.forEach(([, p], i) => {
      if (p.grad !== null && p.requiresGrad) this.update(p.values, p.grad.data, i);
    });
  }

  /** Updates one parameter's values in place from its gradient; i indexes the state slots. */
  protected abstract update(values: Float32Array, grad: Float32Array, i: number): void;

  zeroGrad(): void {
    for (const [, p] of this.params) p.grad = null;
  }

  protected slot(name: string, i: number): Float32Array {
    return this.slots.get(name)![i]!;
  }

  /** The optimizer's full state as named tensors (copies). */
  stateTensors(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    out.set("step", new Tensor([1], "i32", Int32Array.of(this.stepCount)));
    for (const [slot, arrays] of this.slots) {
      this.params.forEach(([name, v], i) => out.set(`${name}.${slot}`, new Tensor(v.shape, "f32", arrays[i]!.slice())));
    }
    return out;
  }

  /** Restores state saved by stateTensors() from an optimizer of the same kind over the same parameters. */
  loadStateTensors(state: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    const own = this.stateTensors();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new ArgumentError(
        `optimizer state does not match ${this.constructor.name}: missing [${missing.join(", ")}], unexpected [${unexpected.join(", ")}]`,
        "resume with the same optimizer and model as the checkpoint was written with",
      );
    }
    this.stepCount = Number(state.get("step")!.data[0]);
    for (const [slot, arrays] of this.slots) {
      this.params.forEach(([name, v], i) => {
        const src = state.get(`${name}.${slot}`)!;
        if (!shapesEqual(src.shape, v.shape)) {
          throw new ShapeError(`optimizer state "${name}.${slot}" has shape ${formatShape(src.shape)}, the parameter is ${formatShape(v.shape)}`, "resume with the same model configuration");
        }
        arrays[i]!.set(src.data);
      });
    }
  }
}
