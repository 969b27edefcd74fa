/**
 * Fashion-MNIST from its four IDX files: the full dataset from /usr/share/datasets/fashion-mnist (Debian's
 * `dataset-fashion-mnist`) or $DIETML_DATA_DIR, or the 5,000/1,000 subset shipped in data/fashion-mnist-subset.
 * Images become f32 NHWC [N, 28, 28, 1] scaled to [0, 1] (optionally standardised), labels Int32Array.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatasetMissingError, FileFormatError } from "../errors/index.js";
import type { ImageDataset, TrainTestSplit } from "./dataset.js";
import { readIdx } from "./idx.js";
import { packageRoot } from "./packageRoot.js";

export const FASHION_MNIST_CLASSES = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
] as const;

/** Per-pixel mean and standard deviation of the full training set (after scaling to [0, 1]). */
export const FASHION_MNIST_MEAN = 0.286;
export const FASHION_MNIST_STD = 0.353;

export const DEFAULT_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

const FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
} as const;

export interface FashionMnistOptions {
  /** Use the subset bundled with dietml instead of the full dataset. */
  subset?: boolean;
  /** Folder with the four IDX files (default: $DIETML_DATA_DIR, then /usr/share/datasets/fashion-mnist). */
  dir?: string;
  /** Standardise pixels with the training-set mean and std instead of leaving them in [0, 1]. */
  normalize?: boolean;
}

/** Where the dataset is read from for these options. */
export function fashionMnistDir(opts: FashionMnistOptions = {}): string {
  if (opts.subset === true) return join(packageRoot(), "data", "fashion-mnist-subset");
  return opts.dir ?? process.env.DIETML_DATA_DIR ?? DEFAULT_FASHION_MNIST_DIR;
}

export function loadFashionMnist(opts: FashionMnistOptions = {}): TrainTestSplit {
  const dir = fashionMnistDir(opts);
  const missing = Object.values(FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new DatasetMissingError(
      `Fashion-MNIST not found in ${dir} (missing ${missing.join(", ")})`,
      "install it with `sudo apt-get install dataset-fashion-mnist`, or set DIETML_DATA_DIR to a folder holding the " +
        "four IDX .gz files, or use the bundled subset with --data fashion-mnist-subset",
    );
  }
  const normalize = opts.normalize === true;
  const prefix = opts.subset === true ? "fashion-mnist-subset" : "fashion-mnist";
  return {
    train: loadSplit(join(dir, FILES.trainImages), join(dir, FILES.trainLabels), `${prefix}/train`, normalize),
    test: loadSplit(join(dir, FILES.testImages), join(dir, FILES.testLabels), `${prefix}/test`, normalize),
    classNames: FASHION_MNIST_CLASSES,
  };
}

function loadSplit(imageFile: string, labelFile: string, name: string, normalize: boolean): ImageDataset {
  const images = readIdx(imageFile);
  const labels = readIdx(labelFile);
  const hint = "the four files must be Fashion-MNIST's IDX files: images [N, 28, 28], labels [N] with values 0..9";
  if (images.dims.length !== 3) {
    throw new FileFormatError(imageFile, `expected 3 dimensions [N, rows, cols], found [${images.dims.join(", ")}]`, hint);
  }
  if (labels.dims.length !== 1) {
    throw new FileFormatError(labelFile, `expected 1 dimension [N], found [${labels.dims.join(", ")}]`, hint);
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new FileFormatError(labelFile, `has ${labels.dims[0]} labels but ${imageFile} has ${count} images`, hint);
  }
  const labelArray = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i]!;
    if (label >= FASHION_MNIST_CLASSES.length) {
      throw new FileFormatError(labelFile, `label ${label} at index ${i} is not a class in 0..9`, hint);
    }
    labelArray[i] = label;
  }
  const pixels = new Float32Array(images.data.length);
  const scale = normalize ? 1 / (255 * FASHION_MNIST_STD) : 1 / 255;
  const shift = normalize ? FASHION_MNIST_MEAN / FASHION_MNIST_STD : 0;
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! * scale - shift;
  return {
    name,
    images: pixels,
    labels: labelArray,
    count,
    imageShape: [rows, cols, 1],
    numClasses: FASHION_MNIST_CLASSES.length,
  };
}
