export * from "./devices.js";
export * from "./cost-model.js";
