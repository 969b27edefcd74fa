/**
 * Caffe's LeNet-5 as Deep Compression measured it (Han et al., Table 3; 431K parameters): conv 5x5x20 (valid) ->
 * maxpool 2 -> conv 5x5x50 (valid) -> maxpool 2 -> fc 500 -> ReLU -> fc classes. Caffe's example leaves the
 * convolutions linear; a ReLU follows each here (no parameters, so the layer and parameter layout stay the
 * paper's) because without them the zoo's SGD check (lr 0.05, 8 steps) sent the loss to NaN.
 * On [28, 28, 1] input the flattened features are 50 * 4 * 4 = 800.
 */
import { ArgumentError } from "../errors/index.js";
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { checkModelOptions, type ModelOptions } from "./options.js";

export function lenet5Caffe(rng: Rng, opts: ModelOptions = {}): Sequential {
  const [h, w, c] = opts.inputShape ?? [28, 28, 1];
  const classes = opts.numClasses ?? 10;
  checkModelOptions("lenet5-caffe", [h, w, c], classes);
  // each conv (5x5 valid) removes 4, each pool halves
  const outH = Math.floor((Math.floor((h - 4) / 2) - 4) / 2);
  const outW = Math.floor((Math.floor((w - 4) / 2) - 4) / 2);
  if (outH < 1 || outW < 1) {
    throw new ArgumentError(`lenet5-caffe: input ${h}x${w} is too small (needs at least 16x16)`, "use a larger input or lenet300");
  }
  return new Sequential([
    ["conv1", new Conv2d(c, 20, 5, rng)],
    ["relu1", new ReLU()],
    ["pool1", new MaxPool2d(2)],
    ["conv2", new Conv2d(20, 50, 5, rng)],
    ["relu2", new ReLU()],
    ["pool2", new MaxPool2d(2)],
    ["flatten", new Flatten()],
    ["fc1", new Linear(50 * outH * outW, 500, rng)],
    ["relu3", new ReLU()],
    ["fc2", new Linear(500, classes, rng)],
  ]);
}
