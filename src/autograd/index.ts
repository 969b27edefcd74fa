/**
 * dietml autograd: a tape over f32 tensors, micrograd style — every op builds its output and records its
 * backward beside it, declaring exactly which arrays it saves (so `savedMemory(loss)` reports the bytes held
 * for backward, per op and per node). Typical use:
 *
 *   const w = Variable.from(values, [10, 784], true);
 *   const loss = softmaxCrossEntropy(linear(x, w, b), labels);
 *   savedMemory(loss, { excluding: [w, b] });  // activation bytes the backward pass will read
 *   backward(loss);                            // w.grad now holds dLoss/dw (accumulating across calls)
 *   noGrad(() => model.forward(x));            // evaluation: no nodes, nothing saved
 *
 * A new op is a function that computes its output and calls `recordOp(name, inputs, out, shape, saved,
 * backward)`, saving only what `needsGrad` says its backward will read (see ops/ for examples).
 */
export { Variable, type Node, type Saved, type SavedArray, type Grads } from "./variable.js";
export { noGrad, isGradEnabled } from "./grad-mode.js";
export { needsGrad, recordOp } from "./record.js";
export { backward, topologicalOrder } from "./backward.js";
export { savedMemory, savedBytes, type SavedMemory } from "./saved-memory.js";
export { matmul, linear } from "./ops/matmul.js";
export { conv2d, depthwiseConv2d, convParams, type Conv2dParams } from "./ops/conv.js";
export { conv2dTranspose } from "./ops/conv-transpose.js";
export { add, sub, mul, div, scale } from "./ops/elementwise.js";
export { relu, relu6, leakyRelu, sigmoid, tanh, hardSwish } from "./ops/activation.js";
export { maxPool2d, avgPool2d, globalAvgPool, poolParams, type Pool2dParams } from "./ops/pool.js";
export { batchNorm, groupNorm, type BatchNormOptions } from "./ops/norm.js";
export { softmaxCrossEntropy, sigmoidBinaryCrossEntropy } from "./ops/loss.js";
export { reshape, flatten, slice, pad, concat, transpose } from "./ops/shape.js";
export { sum, mean } from "./ops/reduce.js";
export { dropout } from "./ops/dropout.js";
export { fakeQuantize, type FakeQuantizeOptions } from "./ops/fake-quantize.js";
