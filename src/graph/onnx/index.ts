export { writeOnnx, ONNX_EXPORTABLE_OPS } from "./export.js";
export { readOnnx } from "./import.js";
