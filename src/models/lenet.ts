/**
 * The LeNet family. LeNet-300-100: flatten -> fc 300 -> fc 100 -> fc classes (ReLU between).
 * LeNet-5: conv 5x5x6 ("same") -> maxpool 2 -> conv 5x5x16 (valid) -> maxpool 2 -> fc 120 -> fc 84 -> fc classes,
 * on NHWC input (default [28, 28, 1], 10 classes; 28x28 gives the classic 16*5*5 = 400 features).
 */
import { ArgumentError } from "../errors/index.js";
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { checkModelOptions, type ModelOptions } from "./options.js";

export function lenet300(rng: Rng, opts: ModelOptions = {}): Sequential {
  const [h, w, c] = opts.inputShape ?? [28, 28, 1];
  const classes = opts.numClasses ?? 10;
  checkModelOptions("lenet300", [h, w, c], classes);
  return new Sequential([
    ["flatten", new Flatten()],
    ["fc1", new Linear(h * w * c, 300, rng)],
    ["relu1", new ReLU()],
    ["fc2", new Linear(300, 100, rng)],
    ["relu2", new ReLU()],
    ["fc3", new Linear(100, classes, rng)],
  ]);
}

export function lenet5(rng: Rng, opts: ModelOptions = {}): Sequential {
  const [h, w, c] = opts.inputShape ?? [28, 28, 1];
  const classes = opts.numClasses ?? 10;
  checkModelOptions("lenet5", [h, w, c], classes);
  // conv1 keeps the size, pool halves, conv2 (5x5 valid) removes 4, pool halves
  const outH = Math.floor((Math.floor(h / 2) - 4) / 2);
  const outW = Math.floor((Math.floor(w / 2) - 4) / 2);
  if (outH < 1 || outW < 1) {
    throw new ArgumentError(`lenet5: input ${h}x${w} is too small (needs at least 12x12)`, "use a larger input or lenet300");
  }
  return new Sequential([
    ["conv1", new Conv2d(c, 6, 5, rng, { padding: "same" })],
    ["relu1", new ReLU()],
    ["pool1", new MaxPool2d(2)],
    ["conv2", new Conv2d(6, 16, 5, rng)],
    ["relu2", new ReLU()],
    ["pool2", new MaxPool2d(2)],
    ["flatten", new Flatten()],
    ["fc1", new Linear(16 * outH * outW, 120, rng)],
    ["relu3", new ReLU()],
    ["fc2", new Linear(120, 84, rng)],
    ["relu4", new ReLU()],
    ["fc3", new Linear(84, classes, rng)],
  ]);
}
