/**
 * The bridge between the training tower (nn) and the deployment tower (graph): lowering a trained model
 * to the graph IR. Quantization (src/quantize) and the CLI start from the float graph made here.
 *
 *   lowerModel(model, [h, w, c])   float32 graph, BN folded, ReLU/ReLU6 fused
 *   planLayers(modules)            the layer units (weighted layer + BN + activation) lowering and QAT share
 */
export { lowerModel, type LowerOptions } from "./lower-float.js";
export { foldBatchNorm, type FoldedParams } from "./fold-batchnorm.js";
export { GraphBuilder } from "./graph-builder.js";
export { planLayers, unitName, type LayerUnit, type WeightedLayer } from "./layer-plan.js";
