/**
 * MobileNetV2-style models. InvertedResidual: 1x1 expand (+BN+ReLU6, skipped when expansion is 1), kxk
 * depthwise (3x3 unless given) with the block's stride (+BN+ReLU6), 1x1 linear projection (+BN); the input is added back when
 * the stride is 1 and the channel counts match. mobilenetV2Tiny: stem 3x3/2 conv, four stages of blocks,
 * 1x1 head conv, global average pool, fc. Default input [32, 32, 3], 10 classes.
 */
import type { Variable } from "../autograd/index.js";
import { BatchNorm2d, Conv2d, DepthwiseConv2d, GlobalAvgPool, Linear, Module, ReLU6, Residual, Sequential, type Layer } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { checkModelOptions, scaled, type ModelOptions } from "./options.js";

export class InvertedResidual extends Module {
  readonly block: Module;

  constructor(
    readonly inChannels: number, readonly outChannels: number, readonly stride: number, readonly expansion: number, rng: Rng,
    readonly kernelSize = 3,
  ) {
    super();
    const hidden = inChannels * expansion;
    const layers: Layer[] = [];
    if (expansion !== 1) {
      layers.push(["expand", new Conv2d(inChannels, hidden, 1, rng, { bias: false })], ["expand_bn", new BatchNorm2d(hidden)], ["expand_relu", new ReLU6()]);
    }
    layers.push(
      ["depthwise", new DepthwiseConv2d(hidden, kernelSize, rng, { stride, padding: "same", bias: false })],
      ["depthwise_bn", new BatchNorm2d(hidden)],
      ["depthwise_relu", new ReLU6()],
      ["project", new Conv2d(hidden, outChannels, 1, rng, { bias: false })],
      ["project_bn", new BatchNorm2d(outChannels)],
    );
    const body = new Sequential(layers);
    const residual = stride === 1 && inChannels === outChannels;
    this.block = this.addModule("block", residual ? new Residual(body) : body);
  }

  get hasResidual(): boolean {
    return this.block instanceof Residual;
  }

  forward(x: Variable): Variable {
    return this.block.forward(x);
  }
}

/** Stages as (expansion, output channels, repeats, first stride). */
const STAGES: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 2, 2],
  [6, 64, 1, 1],
];

export function mobilenetV2Tiny(rng: Rng, opts: ModelOptions = {}): Sequential {
  const inputShape = opts.inputShape ?? [32, 32, 3];
  const classes = opts.numClasses ?? 10;
  checkModelOptions("mobilenetv2-tiny", inputShape, classes);
  const width = opts.width ?? 1;
  const stem = scaled(16, width);
  const head = scaled(128, width);
  const layers: Layer[] = [
    ["stem", new Conv2d(inputShape[2], stem, 3, rng, { stride: 2, padding: "same", bias: false })],
    ["stem_bn", new BatchNorm2d(stem)],
    ["stem_relu", new ReLU6()],
  ];
  let cin = stem;
  let index = 0;
  for (const [t, c, n, s] of STAGES) {
    const cout = scaled(c, width);
    for (let r = 0; r < n; r++) {
      layers.push([`block${index++}`, new InvertedResidual(cin, cout, r === 0 ? s : 1, t, rng)]);
      cin = cout;
    }
  }
  layers.push(
    ["head", new Conv2d(cin, head, 1, rng, { bias: false })],
    ["head_bn", new BatchNorm2d(head)],
    ["head_relu", new ReLU6()],
    ["pool", new GlobalAvgPool()],
    ["fc", new Linear(head, classes, rng)],
  );
  return new Sequential(layers);
}
