/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so conv training fails there. This registers one built
 * from the wasm backend's own kernels, so the peer trains convolutions at its real (XNNPACK) speed:
 *
 *   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n, oh, ow, co]
 *
 * is itself a convolution: with x as [ci, H, W, n] (batch and channels swapped) and dy as a filter
 * [OH, OW, n, co], a conv with dilation s (the forward stride) and the forward padding gives [ci, kh', kw', co];
 * we slice it to [ci, KH, KW, co] and transpose to HWIO. (tfjs computes filter gradients only for dilation 1.)
 */
import * as tf from "@tensorflow/tfjs";

type KernelArgs = Parameters<tf.KernelFunc>[0];

export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined) return;
  tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilter as tf.KernelFunc });
}

function run(name: string, args: KernelArgs, inputs: KernelArgs["inputs"], attrs: Record<string, unknown>): tf.TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) throw new Error(`tfjs wasm backend lacks ${name}`);
  return kernel.kernelFunc({ inputs, backend: args.backend, attrs: attrs as never }) as tf.TensorInfo;
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") throw new Error("Conv2DBackpropFilter (wasm): only NHWC");
  const [kh, kw, ci, co] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const [, h, w] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const { top, left } = info.padInfo;
  // Pad after just enough to reach the last kernel row/column the forward pass touched (never negative).
  const bottom = Math.max(0, kh - 1 - top + (oh - 1) * info.strideHeight - (h - 1));
  const right = Math.max(0, kw - 1 - left + (ow - 1) * info.strideWidth - (w - 1));
  const disposables: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => (disposables.push(t), t);
  try {
    const xT = keep(run("Transpose", args, { x }, { perm: [3, 1, 2, 0] })); // [ci, H, W, n]
    const dyT = keep(run("Transpose", args, { x: dy }, { perm: [1, 2, 0, 3] })); // [OH, OW, n, co]
    const full = keep(run("Conv2D", args, { x: xT, filter: dyT }, {
      strides: [1, 1], dilations: [info.strideHeight, info.strideWidth], dataFormat: "NHWC",
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    })); // [ci, >= KH, >= KW, co]
    const cut = full.shape[1] === kh && full.shape[2] === kw ? full : keep(run("Slice", args, { x: full }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }));
    return run("Transpose", args, { x: cut }, { perm: [1, 2, 0, 3] }); // [KH, KW, ci, co]
  } finally {
    for (const t of disposables) (args.backend as tf.KernelBackend).disposeData(t.dataId);
  }
}
