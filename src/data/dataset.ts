/** In-memory labelled image datasets (NHWC f32 images, int32 class labels). */

export interface ImageDataset {
  /** e.g. "fashion-mnist/train". */
  readonly name: string;
  /** [count, height, width, channels] row-major. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  /** [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
}

export interface TrainTestSplit {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  readonly classNames: readonly string[];
}

/** The first `count` examples of a dataset (views, no copy): for quick runs and tests. */
export function takeFirst(dataset: ImageDataset, count: number): ImageDataset {
  const n = Math.min(count, dataset.count);
  const perImage = dataset.imageShape[0] * dataset.imageShape[1] * dataset.imageShape[2];
  return {
    ...dataset,
    images: dataset.images.subarray(0, n * perImage),
    labels: dataset.labels.subarray(0, n),
    count: n,
  };
}
