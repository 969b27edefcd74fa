/**
 * The model zoo by name: createModel("lenet5", rng, { inputShape, numClasses }). The same name, options and
 * seed give the same parameters bit for bit (all randomness comes from rng, consumed in layer order).
 */
import { ArgumentError } from "../errors/index.js";
import type { Module } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { dscnn, type DsCnnOptions } from "./dscnn.js";
import { lenet300, lenet5 } from "./lenet.js";
import { lenet5Caffe } from "./lenet5-caffe.js";
import { mcunetTiny } from "./mcunet.js";
import { mobilenetV2Tiny } from "./mobilenetv2.js";

export interface ModelInfo {
  description: string;
  /** Default [height, width, channels] and classes when the options leave them out. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  build: (rng: Rng, options: DsCnnOptions) => Module;
}

export const MODELS = {
  lenet300: { description: "LeNet-300-100 MLP (784-300-100-10)", inputShape: [28, 28, 1], numClasses: 10, build: lenet300 },
  lenet5: { description: "LeNet-5 CNN (conv6-pool-conv16-pool-120-84)", inputShape: [28, 28, 1], numClasses: 10, build: lenet5 },
  "lenet5-caffe": { description: "Caffe LeNet-5 as in Deep Compression (conv20-pool-conv50-pool-500), 431K params", inputShape: [28, 28, 1], numClasses: 10, build: lenet5Caffe },
  dscnn: { description: "DS-CNN keyword spotting (depthwise-separable, BN, ReLU)", inputShape: [49, 10, 1], numClasses: 12, build: dscnn },
  "mobilenetv2-tiny": { description: "small MobileNetV2 (inverted residual blocks, ReLU6)", inputShape: [32, 32, 3], numClasses: 10, build: mobilenetV2Tiny },
  "mcunet-tiny": { description: "small MCUNet-style net (mixed 3/5/7 depthwise kernels and expansions)", inputShape: [32, 32, 3], numClasses: 10, build: mcunetTiny },
} as const satisfies Record<string, ModelInfo>;

export type ModelName = keyof typeof MODELS;

export const modelNames = Object.keys(MODELS) as ModelName[];

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODELS, name);
}

export function modelInfo(name: string): ModelInfo {
  if (!isModelName(name)) {
    throw new ArgumentError(`unknown model "${name}"; valid names: ${modelNames.join(", ")}`, `choose one of: ${modelNames.join(", ")}`);
  }
  return MODELS[name];
}

export function createModel(name: string, rng: Rng, options: DsCnnOptions = {}): Module {
  return modelInfo(name).build(rng, options);
}
