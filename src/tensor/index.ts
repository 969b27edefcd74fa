export * from "./dtype.js";
export * from "./shape.js";
export * from "./tensor.js";
export * from "./rng.js";
