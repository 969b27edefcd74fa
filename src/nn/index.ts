/**
 * dietml nn: layers and containers over the autograd ops. Every layer takes its Rng at construction
 * (He-uniform weights, zero biases), checks its input shape (ShapeError naming the layer and both shapes),
 * and exposes dotted parameter/buffer names for checkpoints (see Module).
 */
export { Module } from "./module.js";
export { Linear } from "./linear.js";
export { Conv2d, DepthwiseConv2d, type ConvOptions, type Conv2dOptions } from "./conv.js";
export { ConvTranspose2d, type ConvTransposeOptions } from "./conv-transpose.js";
export { BatchNorm2d, GroupNorm } from "./norm.js";
export { ReLU, ReLU6, LeakyReLU, HardSwish, Sigmoid, Tanh } from "./activation.js";
export { MaxPool2d, AvgPool2d, GlobalAvgPool } from "./pool.js";
export { Flatten, Reshape, Dropout } from "./reshape.js";
export { Sequential, Residual, type Layer } from "./container.js";
export { resolvePadding, type Padding } from "./padding.js";
export { heUniform } from "./init.js";
