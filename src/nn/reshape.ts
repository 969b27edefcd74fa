/** Layers that only change layout or randomly mask: Flatten, Reshape and Dropout. */
import { dropout, flatten, reshape, type Variable } from "../autograd/index.js";
import { ShapeError } from "../errors/index.js";
import { formatShape, sizeOf } from "../tensor/index.js";
import type { Rng } from "../tensor/index.js";
import { Module } from "./module.js";

/** [N, ...] -> [N, product of the rest] (a view, no copy). */
export class Flatten extends Module {
  forward(x: Variable): Variable {
    return flatten(x);
  }
}

/** [N, ...] -> [N, ...shape] (a view), e.g. a generator's dense output to an NHWC feature map. */
export class Reshape extends Module {
  constructor(readonly shape: readonly number[]) {
    super();
  }

  forward(x: Variable): Variable {
    const per = x.size / (x.shape[0] ?? 1);
    if (x.shape.length < 1 || per !== sizeOf(this.shape)) {
      throw new ShapeError(`${this.label} cannot reshape ${formatShape(x.shape)} to [*, ${this.shape.join(", ")}]`, "each example must have as many values as the target shape");
    }
    return reshape(x, [x.shape[0]!, ...this.shape]);
  }
}

/**
 * Inverted dropout, active only in training mode; draws its masks from the Rng it was given (that Rng's
 * state is not part of a checkpoint, so a resumed run draws different masks).
 */
export class Dropout extends Module {
  constructor(readonly rate: number, private readonly rng: Rng) {
    super();
  }

  forward(x: Variable): Variable {
    return dropout(x, this.rate, this.rng, this.training);
  }
}
