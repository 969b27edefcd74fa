/**
 * Composition: Sequential runs its children in order (named "0", "1", ... or by the names given);
 * Residual adds a body's output to the input (or to a shortcut module's output).
 */
import { add, type Variable } from "../autograd/index.js";
import { ShapeError } from "../errors/index.js";
import { formatShape, shapesEqual } from "../tensor/index.js";
import { Module } from "./module.js";

export type Layer = Module | readonly [string, Module];

export class Sequential extends Module {
  readonly layers: Module[];

  constructor(layers: readonly Layer[]) {
    super();
    this.layers = layers.map((l, i) => (l instanceof Module ? this.addModule(String(i), l) : this.addModule(l[0], l[1])));
  }

  forward(x: Variable): Variable {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}

export class Residual extends Module {
  readonly body: Module;
  readonly shortcut: Module | null;

  constructor(body: Module, shortcut: Module | null = null) {
    super();
    this.body = this.addModule("body", body);
    this.shortcut = shortcut === null ? null : this.addModule("shortcut", shortcut);
  }

  forward(x: Variable): Variable {
    const y = this.body.forward(x);
    const skip = this.shortcut === null ? x : this.shortcut.forward(x);
    if (!shapesEqual(y.shape, skip.shape)) {
      throw new ShapeError(`${this.label}: body output ${formatShape(y.shape)} differs from the shortcut ${formatShape(skip.shape)}`, "give the block a shortcut that matches the body's stride and channels");
    }
    return add(y, skip);
  }
}
