/**
 * dietml compress: Deep Compression (pruning with masks kept through retraining, N:M sparsity, k-means weight
 * sharing with centroid fine-tuning, Huffman-coded sparse storage in the .dmlz container) and sparse kernels.
 */
export * from "./prune.js";
export * from "./prune-schedule.js";
export * from "./masked-sgd.js";
export * from "./kmeans.js";
export * from "./centroid-sgd.js";
export * from "./layers.js";
export * from "./spec.js";
export * from "./container-format.js";
export * from "./container-encode.js";
export * from "./container-decode.js";
export * from "./model-codec.js";
export * from "./pipeline.js";
export * from "./report-table.js";
export * from "./retrain.js";
export * from "./sensitivity.js";
// the sparse products now live in the kernels layer; re-exported so callers of this API keep working
export {
  csrMatmul, prepareCsrWasm, prepareSparse24Wasm, sparse24Matmul, toCsr, toSparse24,
  type CsrMatrix, type PreparedSparse, type Sparse24Matrix,
} from "../kernels/index.js";
export * from "./channel-prune.js";
export * from "./layer-cost.js";
export * from "./channel-pipeline.js";
