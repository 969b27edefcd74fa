/**
 * Calibration examples named on the command line: a dataset name (its training images, standardised the way
 * `dietml train` feeds them) or a .npy array [N, ...input shape] of float32/float64. Each example is checked
 * against the model input later (checkCalibrationInputs), so a wrong shape names both shapes.
 */
import { ShapeError } from "../errors/index.js";
import { loadFashionMnist, type ImageDataset } from "../data/index.js";
import { readNpy } from "../io/index.js";

export const CALIBRATION_DATASETS = ["fashion-mnist", "fashion-mnist-subset"] as const;

export interface CalibrationData {
  examples: Float32Array[];
  /** The dataset's splits, when the data was named by dataset (accuracy report; mixed-precision search). */
  train: ImageDataset | null;
  test: ImageDataset | null;
  source: string;
}

/** Every `stride`-th of the first examples, so that a few hundred cover the classes. */
function spread(images: Float32Array, perExample: number, total: number, count: number): Float32Array[] {
  const n = Math.min(count, total);
  const stride = Math.max(1, Math.floor(total / n));
  return Array.from({ length: n }, (_, i) => images.slice(i * stride * perExample, (i * stride + 1) * perExample));
}

export function loadCalibrationData(spec: string, count: number): CalibrationData {
  if ((CALIBRATION_DATASETS as readonly string[]).includes(spec)) {
    const split = loadFashionMnist({ subset: spec === "fashion-mnist-subset", normalize: true });
    const per = split.train.imageShape.reduce((a, b) => a * b, 1);
    return { examples: spread(split.train.images, per, split.train.count, count), train: split.train, test: split.test, source: spec };
  }
  const t = readNpy(spec);
  if (t.shape.length < 2) {
    throw new ShapeError(`${spec}: calibration array has shape [${t.shape.join(", ")}]`, "save the calibration set as [N, height, width, channels] (NHWC, one example per row)");
  }
  const total = t.shape[0]!;
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const values = Float32Array.from(t.data as ArrayLike<number>);
  return { examples: spread(values, per, total, count), train: null, test: null, source: spec };
}
