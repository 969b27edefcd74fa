/**
 * DS-CNN, the keyword-spotting network of MLPerf Tiny: conv (no bias) + BN + ReLU, then depthwise-separable
 * blocks (3x3 depthwise + BN + ReLU, 1x1 pointwise + BN + ReLU), global average pool, fc. Defaults follow the
 * KWS reference: input [49, 10, 1] MFCCs, a 10x4 stride-2 first conv, 64 channels, 4 blocks, 12 classes. For
 * other inputs (e.g. [28, 28, 1] images) the first conv defaults to 3x3 stride 2.
 */
import { BatchNorm2d, Conv2d, DepthwiseConv2d, Flatten, GlobalAvgPool, Linear, ReLU, Sequential, type Layer } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { checkModelOptions, scaled, type ModelOptions } from "./options.js";

export interface DsCnnOptions extends ModelOptions {
  channels?: number;
  blocks?: number;
  firstKernel?: [number, number];
  firstStride?: [number, number];
}

const KWS_INPUT = [49, 10, 1] as const;

export function dscnn(rng: Rng, opts: DsCnnOptions = {}): Sequential {
  const inputShape = opts.inputShape ?? KWS_INPUT;
  const classes = opts.numClasses ?? 12;
  checkModelOptions("dscnn", inputShape, classes);
  const isKws = inputShape.every((d, i) => d === KWS_INPUT[i]);
  const ch = scaled(opts.channels ?? 64, opts.width ?? 1);
  const layers: Layer[] = [
    ["conv1", new Conv2d(inputShape[2], ch, opts.firstKernel ?? (isKws ? [10, 4] : [3, 3]), rng, { stride: opts.firstStride ?? [2, 2], padding: "same", bias: false })],
    ["bn1", new BatchNorm2d(ch)],
    ["relu1", new ReLU()],
  ];
  const blocks = opts.blocks ?? 4;
  for (let b = 1; b <= blocks; b++) {
    layers.push(
      [`dw${b}`, new DepthwiseConv2d(ch, 3, rng, { padding: "same", bias: false })],
      [`dw${b}_bn`, new BatchNorm2d(ch)],
      [`dw${b}_relu`, new ReLU()],
      [`pw${b}`, new Conv2d(ch, ch, 1, rng, { bias: false })],
      [`pw${b}_bn`, new BatchNorm2d(ch)],
      [`pw${b}_relu`, new ReLU()],
    );
  }
  layers.push(["pool", new GlobalAvgPool()], ["flatten", new Flatten()], ["fc", new Linear(ch, classes, rng)]);
  return new Sequential(layers);
}
