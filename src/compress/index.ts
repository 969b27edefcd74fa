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
export * from "./sparse/csr.js";
export * from "./sparse/nm.js";
export * from "./sparse/csr-wasm.js";
export * from "./sparse/nm-wasm.js";
export * from "./channel-prune.js";
