/** Pooling layers over NHWC input; stride defaults to the window, padding to "valid". */
import { avgPool2d, globalAvgPool, maxPool2d, type Pool2dParams, type Variable } from "../autograd/index.js";
import { ShapeError } from "../errors/index.js";
import { formatShape } from "../tensor/index.js";
import { Module } from "./module.js";
import { checkPadding, pair, resolvePadding, type Padding } from "./padding.js";

abstract class Pool2d extends Module {
  readonly kernel: [number, number];
  readonly stride: [number, number];

  constructor(kernelSize: number | [number, number], stride?: number | [number, number], readonly padding: Padding = "valid") {
    super();
    this.kernel = pair(kernelSize);
    this.stride = pair(stride ?? this.kernel);
    checkPadding(this.constructor.name, padding);
  }

  protected params(x: Variable): Pool2dParams {
    if (x.shape.length !== 4) {
      throw new ShapeError(`${this.label} expects NHWC input [*, *, *, *], got ${formatShape(x.shape)}`, "pooling takes [batch, height, width, channels]");
    }
    const pads = resolvePadding(this.padding, x.shape[1]!, x.shape[2]!, this.kernel, this.stride);
    return { kernelH: this.kernel[0], kernelW: this.kernel[1], strideH: this.stride[0], strideW: this.stride[1], ...pads };
  }
}

export class MaxPool2d extends Pool2d {
  forward(x: Variable): Variable {
    return maxPool2d(x, this.params(x));
  }
}

export class AvgPool2d extends Pool2d {
  forward(x: Variable): Variable {
    return avgPool2d(x, this.params(x));
  }
}

/** [N, H, W, C] -> [N, C]. */
export class GlobalAvgPool extends Module {
  forward(x: Variable): Variable {
    this.expectInput(x, [null, null, null, null], "GlobalAvgPool takes NHWC input");
    return globalAvgPool(x);
  }
}
