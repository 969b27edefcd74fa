/**
 * MCUNet-style model: a MobileNetV2 backbone whose blocks differ in depthwise kernel size (3/5/7) and
 * expansion ratio, the shape a TinyNAS search produces, with no 1x1 head conv (MCUNet keeps the last
 * activations small for SRAM). The fixed configuration below is a small hand-picked point of that space:
 * stem 3x3/2 conv (16) + BN + ReLU6, seven inverted residual blocks, global average pool, fc.
 * Default input [32, 32, 3], 10 classes; `width` scales every channel count.
 */
import { BatchNorm2d, Conv2d, GlobalAvgPool, Linear, ReLU6, Sequential, type Layer } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { InvertedResidual } from "./mobilenetv2.js";
import { checkModelOptions, scaled, type ModelOptions } from "./options.js";

/** Blocks as (expansion, kernel size, output channels, stride). */
const BLOCKS: readonly (readonly [number, number, number, number])[] = [
  [1, 3, 8, 1],
  [4, 5, 16, 2],
  [3, 3, 16, 1],
  [4, 7, 24, 2],
  [3, 5, 24, 1],
  [4, 5, 40, 2],
  [3, 3, 40, 1],
];

export function mcunetTiny(rng: Rng, opts: ModelOptions = {}): Sequential {
  const inputShape = opts.inputShape ?? [32, 32, 3];
  const classes = opts.numClasses ?? 10;
  checkModelOptions("mcunet-tiny", inputShape, classes);
  const width = opts.width ?? 1;
  const stem = scaled(16, width);
  const layers: Layer[] = [
    ["stem", new Conv2d(inputShape[2], stem, 3, rng, { stride: 2, padding: "same", bias: false })],
    ["stem_bn", new BatchNorm2d(stem)],
    ["stem_relu", new ReLU6()],
  ];
  let cin = stem;
  BLOCKS.forEach(([t, k, c, s], i) => {
    const cout = scaled(c, width);
    layers.push([`block${i}`, new InvertedResidual(cin, cout, s, t, rng, k)]);
    cin = cout;
  });
  layers.push(["pool", new GlobalAvgPool()], ["fc", new Linear(cin, classes, rng)]);
  return new Sequential(layers);
}
