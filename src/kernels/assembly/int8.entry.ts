// The int8 kernel module (build/wasm/int8.wasm): CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and
// AVERAGE_POOL_2D bit-exact with TFLite's reference integer kernels. Driven by src/kernels/int8-wasm.
export { outputConstants, requantUniformRun, requantUniformScaledRun } from "./int8-requant";
export { extendInt8, im2col, im2colInt8, gemm, packRows4, packRows4Int8, gemmRows4 } from "./int8-gemm";
export { depthwise } from "./int8-depthwise";
export { depthwisePadded } from "./int8-depthwise-padded";
export { averagePool } from "./int8-pool";
export { remapChannels } from "./int8-remap";
export { csrFullyConnected, twoFourFullyConnected } from "./int8-sparse";
