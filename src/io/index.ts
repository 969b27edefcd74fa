export * from "./atomicWrite.js";
export * from "./safetensors.js";
export * from "./npy.js";
export * from "./rawTensor.js";
