/**
 * Training-time augmentation of NHWC image batches, in place, drawing from the Rng passed in (so a checkpoint
 * that stores the Rng state replays the same augmentations): random horizontal flips (clothes look the same
 * mirrored) and random translations by up to `shift` pixels, filling uncovered pixels with the background value.
 */
import type { Rng } from "../tensor/index.js";

export interface AugmentOptions {
  /** Mirror each image left-right with probability 1/2. */
  flip?: boolean;
  /** Translate each image by a random whole number of pixels in [-shift, shift] on each axis. */
  shift?: number;
  /** Value of an empty pixel (0 for [0, 1] images; -mean/std once standardised). */
  fill?: number;
}

/** Augment `count` images of [h, w, c] stored back to back in `images`. */
export function augmentImages(images: Float32Array, count: number, h: number, w: number, c: number, rng: Rng, opts: AugmentOptions): void {
  const shift = opts.shift ?? 0;
  const flip = opts.flip === true;
  if (!flip && shift === 0) return;
  const fill = opts.fill ?? 0;
  const perImage = h * w * c;
  const source = new Float32Array(perImage);
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * perImage, (n + 1) * perImage);
    const mirror = flip && rng.uniform() < 0.5;
    const dy = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
    const dx = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
    if (!mirror && dx === 0 && dy === 0) continue;
    source.set(image);
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      for (let x = 0; x < w; x++) {
        const sxShifted = x - dx;
        const sx = mirror ? w - 1 - sxShifted : sxShifted;
        const out = (y * w + x) * c;
        const inside = sy >= 0 && sy < h && sxShifted >= 0 && sxShifted < w;
        for (let ch = 0; ch < c; ch++) image[out + ch] = inside ? source[(sy * w + sx) * c + ch]! : fill;
      }
    }
  }
}
