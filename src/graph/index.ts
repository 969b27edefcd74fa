/**
 * The deployment graph: one IR for every model that is planned, run, compiled to C or exported.
 *
 *   IR (plain data)      ir.ts, options.ts         Graph / GraphTensor / GraphOp, typed op options
 *   reading helpers      constants.ts, access.ts   constantAsInt8/Int32/Float32/Real, optionsOf, inputOf
 *   checks and queries   topology.ts, dtype.ts     validateGraph, producersOf, consumersOf, denseByteSize
 *   .tflite              tflite/                   readTflite (bounds-checked), writeTflite
 *   .onnx                onnx/                     writeOnnx (for onnxruntime), readOnnx (float + QDQ int8)
 *   either format        read-model.ts             readModel, detectModelFormat
 *   rewrites             transforms/               compactGraph, fuseActivations, foldQuantization
 *   inspect              summary*.ts               summarizeGraph, formatGraphSummary
 */
export * from "./ir.js";
export * from "./options.js";
export * from "./dtype.js";
export * from "./constants.js";
export * from "./topology.js";
export * from "./access.js";
export * from "./tflite/index.js";
export * from "./onnx/index.js";
export * from "./read-model.js";
export * from "./transforms/compact.js";
export * from "./transforms/fuse-activations.js";
export * from "./transforms/fold-quantization.js";
export * from "./summary.js";
export * from "./summary-table.js";
