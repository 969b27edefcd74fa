export { writeOnnx, ONNX_EXPORTABLE_OPS } from "./export.js";
