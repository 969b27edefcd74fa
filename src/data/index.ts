export * from "./dataset.js";
export * from "./idx.js";
export * from "./fashionMnist.js";
export * from "./loader.js";
export * from "./augment.js";
