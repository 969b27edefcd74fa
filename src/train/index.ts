export * from "./contracts.js";
export * from "./checkpoint.js";
export * from "./evaluate.js";
export * from "./loop.js";
export * from "./adapters.js";
export * from "./recipes.js";
export * from "./session.js";
