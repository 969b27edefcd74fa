/** dietml models: the zoo (LeNet-300-100, LeNet-5, DS-CNN, MobileNetV2-tiny, MCUNet-tiny) and its registry; DCGAN pair. */
export { createModel, modelInfo, modelNames, isModelName, MODELS, type ModelName, type ModelInfo } from "./registry.js";
export { lenet300, lenet5 } from "./lenet.js";
export { lenet5Caffe } from "./lenet5-caffe.js";
export { dscnn, type DsCnnOptions } from "./dscnn.js";
export { mobilenetV2Tiny, InvertedResidual } from "./mobilenetv2.js";
export { mcunetTiny } from "./mcunet.js";
export type { ModelOptions } from "./options.js";
export { dcganGenerator, dcganDiscriminator, type DcganOptions } from "./dcgan.js";
