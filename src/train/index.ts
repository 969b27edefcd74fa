export * from "./contracts.js";
export * from "./checkpoint.js";
export * from "./evaluate.js";
export * from "./loop.js";
