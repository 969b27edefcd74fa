/**
 * The int8/float32 executor for graphs read from .tflite (TFLite Micro semantics, bit for bit).
 *
 *   const model = prepareModel(readTflite(bytes, "model.tflite"));   // validates, computes kernel params
 *   const { outputs } = model.invoke([input]);                       // typed arrays in, copies out
 *   const { intermediates } = model.invoke([input], { capture: true }); // every op output, in order
 *   const [y] = model.runOp(3, [x]);                                 // one layer on given inputs
 *
 * Kernels: one registry entry per (op kind, input dtype) with a `prepare` (checks + constants, once)
 * and an `eval` (the hot loop on bound typed arrays). A faster implementation replaces an entry:
 *
 *   const ref = findKernel("CONV_2D", "i8")!;
 *   registerKernel("CONV_2D", "i8", { prepare: ref.prepare, eval: mySimdConvEval });
 *
 * Pruned FULLY_CONNECTED / 1x1 CONV_2D layers run on sparse kernels (CSR, 2:4) when their weights are sparse
 * enough; `useSparseKernels(false)` keeps every layer dense (ops/sparse-fully-connected.ts has the measured policy).
 *
 * Storage: activations come from a `StorageFactory` (default: one buffer per tensor); a memory planner
 * passes `createArenaStorage(offsets, bytes)` to place tensors in one shared arena.
 */
export { prepareModel, CompiledModel, type CapturedTensor, type InvokeResult, type PrepareOptions } from "./model.js";
export { registerKernel, findKernel, supportedOps, type OpKernel, type OpIo, type KernelDType } from "./registry.js";
export { PrepareContext } from "./context.js";
export { withReferenceInt8Kernels } from "./reference-kernels.js";
export { useSparseKernels, DEFAULT_SPARSE_POLICY, type SparsePolicy } from "./ops/sparse-fully-connected.js";
export { createArenaStorage, createSimpleStorage, type TensorStorage, type StorageFactory, type ActivationArray } from "./storage.js";
