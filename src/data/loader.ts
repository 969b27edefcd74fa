/**
 * Mini-batches over an ImageDataset: seeded shuffling (the Rng is passed in, so a checkpoint that stores the
 * Rng's state replays the same order on resume), the last partial batch kept, optional flattening for MLPs.
 */
import { ArgumentError } from "../errors/index.js";
import { Tensor, type Rng } from "../tensor/index.js";
import { augmentImages, type AugmentOptions } from "./augment.js";
import type { ImageDataset } from "./dataset.js";

export interface Batch {
  /** [size, H, W, C], or [size, H*W*C] when the loader flattens. */
  readonly inputs: Tensor<"f32">;
  readonly labels: Int32Array;
  readonly size: number;
}

export interface DataLoaderOptions {
  batchSize: number;
  /** Shuffle at the start of every epoch with this generator; in dataset order when absent. */
  shuffleRng?: Rng;
  /** Give [B, H*W*C] inputs (for fully connected models). */
  flatten?: boolean;
  /** Random flips/shifts of each batch, drawn from `shuffleRng` (training only). */
  augment?: AugmentOptions;
}

export class DataLoader {
  readonly dataset: ImageDataset;
  readonly batchSize: number;
  private readonly shuffleRng: Rng | undefined;
  private readonly flatten: boolean;
  private readonly augment: AugmentOptions | undefined;

  constructor(dataset: ImageDataset, opts: DataLoaderOptions) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize <= 0) {
      throw new ArgumentError(`batch size must be a positive integer, got ${opts.batchSize}`, "pass e.g. --batch-size 64");
    }
    this.dataset = dataset;
    this.batchSize = opts.batchSize;
    this.shuffleRng = opts.shuffleRng;
    this.flatten = opts.flatten === true;
    this.augment = opts.augment;
    if (this.augment !== undefined && this.shuffleRng === undefined) {
      throw new ArgumentError("augmentation needs a shuffle Rng to draw from", "pass shuffleRng together with augment");
    }
  }

  /** Batches per epoch (the last one may be partial). */
  get numBatches(): number {
    return Math.ceil(this.dataset.count / this.batchSize);
  }

  /** One epoch of batches. With a shuffle Rng, each call draws a fresh order from it. */
  *epoch(): Generator<Batch> {
    const order = this.epochOrder();
    const [h, w, c] = this.dataset.imageShape;
    const perImage = h * w * c;
    for (let start = 0; start < order.length; start += this.batchSize) {
      const size = Math.min(this.batchSize, order.length - start);
      const images = new Float32Array(size * perImage);
      const labels = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const src = order[start + i]!;
        images.set(this.dataset.images.subarray(src * perImage, (src + 1) * perImage), i * perImage);
        labels[i] = this.dataset.labels[src]!;
      }
      if (this.augment !== undefined) augmentImages(images, size, h, w, c, this.shuffleRng!, this.augment);
      const shape = this.flatten ? [size, perImage] : [size, h, w, c];
      yield { inputs: new Tensor(shape, "f32", images), labels, size };
    }
  }

  private epochOrder(): Uint32Array {
    const order = new Uint32Array(this.dataset.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    this.shuffleRng?.shuffle(order);
    return order;
  }
}
