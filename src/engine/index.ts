export { prepareModel, CompiledModel, type CapturedTensor, type InvokeResult, type PrepareOptions } from "./model.js";
export { registerKernel, findKernel, supportedOps, type OpKernel, type OpIo, type KernelDType } from "./registry.js";
export { PrepareContext } from "./context.js";
export { createArenaStorage, createSimpleStorage, type TensorStorage, type StorageFactory, type ActivationArray } from "./storage.js";
