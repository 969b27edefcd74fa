/** Top-1 accuracy of a float or int8 graph on labelled images, fed the way a device would (int8 inputs quantized). */
import { prepareModel } from "../engine/index.js";
import type { Graph } from "../graph/index.js";
import { quantizeTensor } from "./quant-params.js";

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

export function graphAccuracy(graph: Graph, images: Float32Array, labels: Int32Array, count: number): number {
  const model = prepareModel(graph);
  const input = graph.tensors[graph.inputs[0]!]!;
  const size = input.shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const x = images.subarray(i * size, (i + 1) * size);
    const fed = input.dtype === "i8" ? quantizeTensor(x, input.quant!) : x;
    if (argmax(model.invoke([fed]).outputs[0]!) === labels[i]) correct++;
  }
  return count > 0 ? correct / count : 0;
}
