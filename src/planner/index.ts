export * from "./lifetimes.js";
export * from "./greedy.js";
export * from "./window-ops.js";
export * from "./patch.js";
export * from "./plan.js";
export * from "./choose-patch.js";
export * from "./fit.js";
export * from "./arena-storage.js";
