/**
 * `dietml quantize --verify`: checks the file just written, on the test images, against two oracles:
 *  - our engine re-reading the file must give bit-identical outputs to the in-memory int8 graph (the
 *    writer lost nothing);
 *  - TFLite's own interpreter must load and run it, and agree with our engine up to XNNPACK's 1-LSB
 *    requantization difference; how many output elements differ, the largest difference, and the
 *    interpreter's own top-1 accuracy are reported.
 */
import { prepareModel } from "../../engine/index.js";
import { readTflite, type Graph } from "../../graph/index.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../peers/tflite-interpreter.js";
import { argmax, quantizeTensor } from "../../quantize/index.js";

export interface ExportVerification {
  examples: number;
  /** Output elements where the re-read file differs from the in-memory graph (0 = bit-identical). */
  rereadDiffering: number;
  /** null when the TFLite peer package is not installed. */
  tflite: {
    outputsDiffering: number;
    outputsTotal: number;
    maxLsb: number;
    /** Top-1 accuracy of the file under TFLite's interpreter. */
    accuracy: number;
    /** Examples whose top-1 class differs between TFLite and our engine. */
    top1Disagreements: number;
  } | null;
}

export async function verifyExport(int8: Graph, bytes: Uint8Array, path: string, images: Float32Array, labels: Int32Array, count: number): Promise<ExportVerification> {
  const inQuant = int8.tensors[int8.inputs[0]!]!.quant!;
  const size = int8.tensors[int8.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const memory = prepareModel(int8);
  const reread = prepareModel(readTflite(bytes, path));
  const interp = tfliteInterpreterAvailable() ? await TfliteInterpreter.create(bytes, { fileName: path }) : null;
  const result: ExportVerification = { examples: count, rereadDiffering: 0, tflite: null };
  const t = { outputsDiffering: 0, outputsTotal: 0, maxLsb: 0, accuracy: 0, top1Disagreements: 0 };
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
    }
  } finally {
    interp?.dispose();
  }
  if (interp) result.tflite = { ...t, accuracy: count > 0 ? tfliteCorrect / count : 0 };
  return result;
}

export function describeVerification(v: ExportVerification): string[] {
  const lines = [`re-read file vs in-memory model on ${v.examples} test images: ${v.rereadDiffering === 0 ? "bit-identical" : `${v.rereadDiffering} output values differ`}`];
  if (!v.tflite) return [...lines, "TFLite interpreter: not installed (npm install -D @tensorflow/tfjs-tflite@0.0.1-alpha.10), not checked"];
  const t = v.tflite;
  return [
    ...lines,
    `TFLite interpreter vs our engine: ${t.outputsDiffering}/${t.outputsTotal} output values differ (${((100 * t.outputsDiffering) / Math.max(1, t.outputsTotal)).toFixed(2)}%), ` +
      `max ${t.maxLsb} LSB; top-1 differs on ${t.top1Disagreements} images; TFLite's test accuracy ${(100 * t.accuracy).toFixed(2)}%`,
  ];
}
