/**
 * `dietml quantize --verify`: checks the file just written, on the test images, against two oracles:
 *  - our engine re-reading the file must give bit-identical outputs to the in-memory int8 graph (the
 *    writer lost nothing);
 *  - TFLite's own interpreter must load and run it, and agree with our engine up to XNNPACK's 1-LSB
 *    requantization difference; how many output elements differ, the largest difference, and the
 *    interpreter's own top-1 accuracy are reported. End to end a 1-LSB difference in one layer can grow
 *    downstream, so every layer is also compared in isolation: our op fed the interpreter's own inputs
 *    (taken from a copy of the file that lists every intermediate tensor as an output).
 */
import { prepareModel } from "../../engine/index.js";
import { readTflite, type Graph } from "../../graph/index.js";
import { InterpreterReference } from "../../peers/interpreter-reference.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../peers/tflite-interpreter.js";
import { argmax, quantizeTensor } from "../../quantize/index.js";

export interface ExportVerification {
  examples: number;
  /** Output elements where the re-read file differs from the in-memory graph (0 = bit-identical). */
  rereadDiffering: number;
  /** Why the TFLite interpreter was not asked (packed INT4/INT2 weights: the TFLite WASM build refuses type 17). */
  tfliteSkipped?: string;
  /** null when the TFLite peer package is not installed or the check was skipped. */
  tflite: {
    outputsDiffering: number;
    outputsTotal: number;
    maxLsb: number;
    /** Top-1 accuracy of the file under TFLite's interpreter. */
    accuracy: number;
    /** Examples whose top-1 class differs between TFLite and our engine. */
    top1Disagreements: number;
    /** Every op's output, each op fed the interpreter's inputs: its own difference, not inherited. */
    layers: { valuesDiffering: number; valuesTotal: number; maxLsb: number };
  } | null;
}

export async function verifyExport(int8: Graph, bytes: Uint8Array, path: string, images: Float32Array, labels: Int32Array, count: number): Promise<ExportVerification> {
  const inQuant = int8.tensors[int8.inputs[0]!]!.quant!;
  const size = int8.tensors[int8.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const memory = prepareModel(int8);
  const reread = prepareModel(readTflite(bytes, path));
  const packed = int8.tensors.some((t) => t.dtype === "i4" || t.dtype === "i2");
  const available = tfliteInterpreterAvailable() && !packed;
  const interp = available ? await TfliteInterpreter.create(bytes, { fileName: path }) : null;
  const layered = available ? await InterpreterReference.create(int8, path) : null;
  const result: ExportVerification = { examples: count, rereadDiffering: 0, tflite: null };
  if (packed) result.tfliteSkipped = "the file has packed INT4/INT2 weights, which the TFLite WASM interpreter (tfjs-tflite 0.0.1-alpha.10) cannot load";
  const layers = { valuesDiffering: 0, valuesTotal: 0, maxLsb: 0 };
  const t = { outputsDiffering: 0, outputsTotal: 0, maxLsb: 0, accuracy: 0, top1Disagreements: 0, layers };
  let tfliteCorrect = 0;
  try {
    for (let i = 0; i < count; i++) {
      const x = quantizeTensor(images.subarray(i * size, (i + 1) * size), inQuant);
      const ours = memory.invoke([x]).outputs[0]!;
      const fromFile = reread.invoke([x]).outputs[0]!;
      for (let k = 0; k < ours.length; k++) if (ours[k] !== fromFile[k]) result.rereadDiffering++;
      if (!interp) continue;
      interp.setInput(0, x);
      interp.invoke();
      const ref = interp.output(0);
      for (let k = 0; k < ours.length; k++) {
        const d = Math.abs(ours[k]! - ref[k]!);
        if (d) t.outputsDiffering++;
        t.maxLsb = Math.max(t.maxLsb, d);
      }
      t.outputsTotal += ours.length;
      if (argmax(ref) === labels[i]) tfliteCorrect++;
      if (argmax(ref) !== argmax(ours)) t.top1Disagreements++;
      compareLayers(int8, memory, layered!.run([x]), layers);
    }
  } finally {
    interp?.dispose();
    layered?.dispose();
  }
  if (interp) result.tflite = { ...t, accuracy: count > 0 ? tfliteCorrect / count : 0 };
  return result;
}

/** Each op of ours fed the interpreter's own inputs, so a 1-LSB difference is counted where it arises, not compounded. */
function compareLayers(
  graph: Graph, ours: ReturnType<typeof prepareModel>, refOf: ReadonlyMap<number, ArrayLike<number>>,
  acc: { valuesDiffering: number; valuesTotal: number; maxLsb: number },
): void {
  for (const op of graph.ops) {
    const feeds = op.inputs.filter((i) => i >= 0 && !graph.tensors[i]!.data).map((i) => refOf.get(i)!);
    const [got] = ours.runOp(op.index, feeds);
    const want = refOf.get(op.outputs[0]!)!;
    for (let k = 0; k < want.length; k++) {
      const d = Math.abs(got![k]! - want[k]!);
      if (d) acc.valuesDiffering++;
      acc.maxLsb = Math.max(acc.maxLsb, d);
    }
    acc.valuesTotal += want.length;
  }
}

export function describeVerification(v: ExportVerification): string[] {
  const lines = [`re-read file vs in-memory model on ${v.examples} test images: ${v.rereadDiffering === 0 ? "bit-identical" : `${v.rereadDiffering} output values differ`}`];
  if (v.tfliteSkipped) return [...lines, `TFLite interpreter: not checked: ${v.tfliteSkipped}`];
  if (!v.tflite) return [...lines, "TFLite interpreter: not installed (npm install -D @tensorflow/tfjs-tflite@0.0.1-alpha.10), not checked"];
  const t = v.tflite;
  return [
    ...lines,
    `TFLite interpreter vs our engine: ${t.outputsDiffering}/${t.outputsTotal} output values differ (${((100 * t.outputsDiffering) / Math.max(1, t.outputsTotal)).toFixed(2)}%), ` +
      `max ${t.maxLsb} LSB; top-1 differs on ${t.top1Disagreements} images; TFLite's test accuracy ${(100 * t.accuracy).toFixed(2)}%`,
    `  layer by layer (each op fed TFLite's inputs): ${t.layers.valuesDiffering}/${t.layers.valuesTotal} values differ ` +
      `(${((100 * t.layers.valuesDiffering) / Math.max(1, t.layers.valuesTotal)).toFixed(3)}%), max ${t.layers.maxLsb} LSB`,
  ];
}
