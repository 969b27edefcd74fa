/** Layers that only change layout or randomly mask: Flatten and Dropout. */
import { dropout, flatten, type Variable } from "../autograd/index.js";
import type { Rng } from "../tensor/index.js";
import { Module } from "./module.js";

/** [N, ...] -> [N, product of the rest] (a view, no copy). */
export class Flatten extends Module {
  forward(x: Variable): Variable {
    return flatten(x);
  }
}

/** Inverted dropout, active only in training mode; draws its masks from the Rng it was given. */
export class Dropout extends Module {
  constructor(readonly rate: number, private readonly rng: Rng) {
    super();
  }

  forward(x: Variable): Variable {
    return dropout(x, this.rate, this.rng, this.training);
  }
}
