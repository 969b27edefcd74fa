export { readTflite } from "./read.js";
export { writeTflite } from "./write.js";
