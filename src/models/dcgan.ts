/**
 * DCGAN-style generator and discriminator for small images (default 28x28x1, sides divisible by 4).
 * Generator: fc latent -> (H/4 x W/4 x 4w) + BN + ReLU, two stride-2 transposed convs (4x4) with BN + ReLU
 * between, tanh output in [-1, 1]. Discriminator: two stride-2 convs (4x4) with LeakyReLU(0.2) (BN on the
 * second), flatten, fc to one logit (train it with sigmoidBinaryCrossEntropy).
 */
import { ArgumentError } from "../errors/index.js";
import { BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Sequential, Tanh } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";

export interface DcganOptions {
  /** [height, width, channels] of an image; height and width divisible by 4. */
  imageShape?: readonly [number, number, number];
  latentSize?: number;
  /** Base channel count (the discriminator's first conv), default 32. */
  width?: number;
}

function resolve(opts: DcganOptions): { h: number; w: number; c: number; latent: number; base: number } {
  const [h, w, c] = opts.imageShape ?? [28, 28, 1];
  if (h % 4 !== 0 || w % 4 !== 0 || h < 4 || w < 4 || c < 1) {
    throw new ArgumentError(`dcgan: image ${h}x${w}x${c} must have height and width divisible by 4`, "e.g. [28, 28, 1] or [32, 32, 3]");
  }
  const latent = opts.latentSize ?? 64;
  const base = opts.width ?? 32;
  if (![latent, base].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ArgumentError(`dcgan: latentSize ${latent} and width ${base} must be positive integers`, "e.g. latentSize 64, width 32");
  }
  return { h, w, c, latent, base };
}

export function dcganGenerator(rng: Rng, opts: DcganOptions = {}): Sequential {
  const { h, w, c, latent, base } = resolve(opts);
  const cells = (h / 4) * (w / 4) * 4 * base;
  return new Sequential([
    ["fc", new Linear(latent, cells, rng, { bias: false })],
    ["fc_bn", new BatchNorm2d(cells)],
    ["fc_relu", new ReLU()],
    ["reshape", new Reshape([h / 4, w / 4, 4 * base])],
    ["up1", new ConvTranspose2d(4 * base, 2 * base, 4, rng, { stride: 2, padding: "same", bias: false })],
    ["up1_bn", new BatchNorm2d(2 * base)],
    ["up1_relu", new ReLU()],
    ["up2", new ConvTranspose2d(2 * base, c, 4, rng, { stride: 2, padding: "same" })],
    ["tanh", new Tanh()],
  ]);
}

export function dcganDiscriminator(rng: Rng, opts: DcganOptions = {}): Sequential {
  const { h, w, c, base } = resolve(opts);
  return new Sequential([
    ["conv1", new Conv2d(c, base, 4, rng, { stride: 2, padding: "same" })],
    ["conv1_act", new LeakyReLU(0.2)],
    ["conv2", new Conv2d(base, 2 * base, 4, rng, { stride: 2, padding: "same", bias: false })],
    ["conv2_bn", new BatchNorm2d(2 * base)],
    ["conv2_act", new LeakyReLU(0.2)],
    ["flatten", new Flatten()],
    ["fc", new Linear((h / 4) * (w / 4) * 2 * base, 1, rng)],
  ]);
}
