/**
 * Pins the reference int8 kernels for the ops a faster kernel set may replace, for the duration of a
 * callback: how tests check that both the default (fast) path and the specification are bit-exact.
 */
import { conv2dInt8Reference, depthwiseConv2dInt8Reference } from "./ops/conv.js";
import { fullyConnectedInt8Reference } from "./ops/fully-connected.js";
import { findKernel, registerKernel, type OpKernel } from "./registry.js";

const REFERENCE: [string, OpKernel][] = [
  ["CONV_2D", conv2dInt8Reference as OpKernel],
  ["DEPTHWISE_CONV_2D", depthwiseConv2dInt8Reference as OpKernel],
  ["FULLY_CONNECTED", fullyConnectedInt8Reference as OpKernel],
];

export function withReferenceInt8Kernels<T>(run: () => T): T {
  const saved = REFERENCE.map(([kind]) => [kind, findKernel(kind, "i8")] as const);
  for (const [kind, kernel] of REFERENCE) registerKernel(kind, "i8", kernel);
  try {
    return run();
  } finally {
    for (const [kind, kernel] of saved) if (kernel) registerKernel(kind, "i8", kernel);
  }
}
