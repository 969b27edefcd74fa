export * from "./layers.js";
export * from "./emit-kernels.js";
export * from "./emit-model.js";
export * from "./project.js";
export * from "./toolchain.js";
export * from "./deploy.js";
