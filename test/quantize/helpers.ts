/** Running int8 graphs the way a deployment would: quantize the float input, invoke, read int8 logits. */
import { prepareModel } from "../../src/engine/index.js";
import type { Graph } from "../../src/graph/index.js";
import { quantizeTensor } from "../../src/quantize/index.js";

export function exampleAt(images: Float32Array, size: number, i: number): Float32Array {
  return images.subarray(i * size, (i + 1) * size);
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Top-1 accuracy of a float or int8 graph on the first `count` examples. */
export function graphAccuracy(graph: Graph, images: Float32Array, labels: Int32Array, count: number): number {
  const model = prepareModel(graph);
  const input = graph.tensors[graph.inputs[0]!]!;
  const size = input.shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const x = exampleAt(images, size, i);
    const fed = input.dtype === "i8" ? quantizeTensor(x, input.quant!) : x;
    if (argmax(model.invoke([fed]).outputs[0]!) === labels[i]) correct++;
  }
  return correct / count;
}
