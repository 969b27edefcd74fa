/**
 * Module: the base of every layer and model. A module owns named parameters (Variables with requiresGrad),
 * named buffers (tensors saved in checkpoints but not trained, e.g. BatchNorm's running statistics) and
 * named child modules. Names join into stable dotted paths ("conv1.weight", "blocks.0.bn.running_mean"):
 * checkpoints and optimizer state are keyed by them, so they depend only on the model's structure.
 *
 *   model.namedParameters()   // [["conv1.weight", Variable], ...] in registration order
 *   model.namedBuffers()      // [["bn1.running_mean", Tensor], ...]
 *   model.stateDict() / model.loadStateDict(map)
 *   model.train() / model.eval() / model.zeroGrad() / model.setTrainable(false) (freeze)
 */
import type { Variable } from "../autograd/index.js";
import { ArgumentError, ShapeError } from "../errors/index.js";
import { formatShape, shapesEqual, type Tensor } from "../tensor/index.js";

export abstract class Module {
  /** Training mode (batch statistics, dropout on) vs evaluation mode. */
  training = true;
  readonly #params = new Map<string, Variable>();
  readonly #buffers = new Map<string, Tensor<"f32">>();
  readonly #children = new Map<string, Module>();
  #parent: Module | null = null;
  #localName = "";

  abstract forward(x: Variable): Variable;

  /** Dotted path from the outermost module ("" for the root). */
  get path(): string {
    if (this.#parent === null) return "";
    const up = this.#parent.path;
    return up === "" ? this.#localName : `${up}.${this.#localName}`;
  }

  /** "Linear 'fc1'": how error messages name this layer. */
  get label(): string {
    const path = this.path;
    return path === "" ? this.constructor.name : `${this.constructor.name} '${path}'`;
  }

  /**
   * Throws a ShapeError naming this layer and both shapes unless x matches `pattern` (null = any size),
   * e.g. "Linear 'fc1' expects input [*, 784], got [64, 28, 28, 1]".
   */
  protected expectInput(x: Variable, pattern: readonly (number | null)[], hint?: string): void {
    const ok = x.shape.length === pattern.length && pattern.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) {
      const want = `[${pattern.map((d) => (d === null ? "*" : String(d))).join(", ")}]`;
      throw new ShapeError(`${this.label} expects input ${want}, got ${formatShape(x.shape)}`, hint ?? "check the previous layer's output shape (a Flatten may be missing)");
    }
  }

  protected addParameter(name: string, v: Variable): Variable {
    this.checkName(name);
    v.requiresGrad = true;
    this.#params.set(name, v);
    return v;
  }

  protected addBuffer(name: string, t: Tensor<"f32">): Tensor<"f32"> {
    this.checkName(name);
    this.#buffers.set(name, t);
    return t;
  }

  protected addModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    if (m.#parent !== null) {
      throw new ArgumentError(`${m.label} is already part of ${m.#parent.label}`, "create a new layer instead of reusing one in two places");
    }
    m.#parent = this;
    m.#localName = name;
    this.#children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (name === "" || name.includes(".") || this.#params.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new ArgumentError(`${this.label}: member name "${name}" is empty, dotted or already used`, "give each parameter, buffer and child a distinct plain name");
    }
  }

  namedParameters(prefix = ""): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [name, v] of this.#params) out.push([prefix + name, v]);
    for (const [name, child] of this.#children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  namedBuffers(prefix = ""): [string, Tensor<"f32">][] {
    const out: [string, Tensor<"f32">][] = [];
    for (const [name, t] of this.#buffers) out.push([prefix + name, t]);
    for (const [name, child] of this.#children) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** Every module below this one (itself first), with dotted paths relative to it. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ""), this]];
    for (const [name, child] of this.#children) out.push(...child.namedModules(`${prefix}${name}.`));
    return out;
  }

  /** Parameters and buffers by dotted name; the tensors are the live ones (not copies). */
  stateDict(): Map<string, Tensor<"f32">> {
    const state = new Map<string, Tensor<"f32">>();
    for (const [name, v] of this.namedParameters()) state.set(name, v.data);
    for (const [name, t] of this.namedBuffers()) state.set(name, t);
    return state;
  }

  /** Copies values in by name. Every parameter and buffer must be present with its exact shape. */
  loadStateDict(state: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new ArgumentError(
        `state does not match ${this.label}: missing [${missing.join(", ")}], unexpected [${unexpected.join(", ")}]`,
        "load a checkpoint saved from the same model architecture",
      );
    }
    for (const [name, target] of own) {
      const src = state.get(name)!;
      if (!shapesEqual(src.shape, target.shape)) {
        throw new ShapeError(`state entry "${name}" has shape ${formatShape(src.shape)}, ${this.label} expects ${formatShape(target.shape)}`, "load a checkpoint saved from the same model configuration");
      }
      target.data.set(src.data);
    }
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Freezes (false) or unfreezes (true) every parameter below this module: frozen ones get no gradient, and
   * ops then skip saving what only their gradient needs (e.g. a frozen conv keeps no input activation).
   */
  setTrainable(trainable: boolean): this {
    for (const p of this.parameters()) p.requiresGrad = trainable;
    return this;
  }

  /** Drops every parameter's gradient (the next backward starts from zero). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}
