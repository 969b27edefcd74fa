export * from "./ir.js";
export * from "./options.js";
export * from "./dtype.js";
export * from "./constants.js";
export * from "./topology.js";
export * from "./access.js";
export * from "./tflite/index.js";
