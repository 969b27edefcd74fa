export { readTflite } from "./read.js";
