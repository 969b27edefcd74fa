/**
 * A Variable is an f32 Tensor that takes part in automatic differentiation: `requiresGrad` marks the ones
 * whose gradient we want (parameters, or an input in a gradient check); `grad` accumulates it over
 * `backward()` calls until cleared. A Variable produced by an op points at the backward `Node` that made it.
 */
import { formatShape, Tensor, type Shape } from "../tensor/index.js";

/** The arrays an op may keep for its backward pass; their bytes are what the tape reports. */
export type SavedArray = Float32Array | Int32Array | Uint8Array;

/** What an op saved, by name; null marks something it chose not to save (its input needs no gradient). */
export type Saved = Record<string, SavedArray | null>;

/** Gradient of each input (aligned with `inputs`), or null where the input needs none. */
export type Grads = (Float32Array | null)[];

export interface Node<S extends Saved = Saved> {
  /** Op name, for the per-op saved-bytes breakdown and error messages. */
  readonly op: string;
  /** The op's inputs; emptied once backward has run, so a kept loss does not pin every activation. */
  inputs: readonly Variable[];
  /** Explicitly declared saved tensors; null once backward has consumed and released them. */
  saved: S | null;
  /** Maps the output gradient to input gradients, reading only `saved` and shape metadata. */
  readonly backward: (dy: Float32Array, saved: S) => Grads;
}

export class Variable {
  readonly data: Tensor<"f32">;
  grad: Tensor<"f32"> | null = null;
  /** Mutable on leaves so layers can be frozen or unfrozen (TinyTL trains only some of them). */
  requiresGrad: boolean;
  readonly node: Node | null;

  constructor(data: Tensor<"f32">, requiresGrad = false, node: Node | null = null) {
    this.data = data;
    this.requiresGrad = requiresGrad;
    this.node = node;
  }

  /** A leaf variable over the given values (not copied). */
  static from(values: Float32Array | number[], shape: Shape, requiresGrad = false): Variable {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return new Variable(new Tensor(shape, "f32", data), requiresGrad);
  }

  static zeros(shape: Shape, requiresGrad = false): Variable {
    return new Variable(new Tensor(shape, "f32"), requiresGrad);
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }

  get values(): Float32Array {
    return this.data.data;
  }

  get size(): number {
    return this.data.size;
  }

  /** The single value of a one-element variable (a loss). */
  item(): number {
    return this.values[0]!;
  }

  /** Same values, cut from the graph. */
  detach(): Variable {
    return new Variable(this.data, false);
  }

  toString(): string {
    return `Variable(${formatShape(this.shape)}${this.requiresGrad ? ", requiresGrad" : ""})`;
  }
}
