export { int8Runtime, type Int8Runtime } from "./runtime.js";
export { allocResidentInt8, isResident } from "./resident.js";
export { prepareConv2dWasm, evalConv2dWasm } from "./conv2d.js";
export { prepareDepthwiseConv2dWasm, evalDepthwiseConv2dWasm, type DepthwiseWasm, type DepthwiseLayout } from "./depthwise-conv2d.js";
export { prepareFullyConnectedWasm, evalFullyConnectedWasm } from "./fully-connected.js";
export type { GemmOp } from "./gemm-op.js";
export { prepareAveragePoolWasm, evalAveragePoolWasm, type AveragePoolWasm } from "./average-pool.js";
