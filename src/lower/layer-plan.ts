/**
 * The layer plan lowering and QAT share: a model's module tree flattened into units, each a weighted layer
 * with the BatchNorm folded into it and the ReLU/ReLU6 fused after it, or a single other module. Containers
 * are walked structurally (Sequential, and any module that only wraps one child, e.g. InvertedResidual);
 * Residual stays one unit (its body is planned when it is lowered).
 */
import type { FusedActivation } from "../graph/index.js";
import {
  AvgPool2d, BatchNorm2d, Conv2d, DepthwiseConv2d, Dropout, Flatten, GlobalAvgPool, Linear, MaxPool2d, Module, ReLU, ReLU6, Residual, Sequential,
} from "../nn/index.js";

export type WeightedLayer = Conv2d | DepthwiseConv2d | Linear;

export type LayerUnit =
  | { kind: "weighted"; layer: WeightedLayer; bn: BatchNorm2d | null; act: FusedActivation; name: string }
  | { kind: "module"; module: Module; name: string };

const KNOWN = [Conv2d, DepthwiseConv2d, Linear, BatchNorm2d, ReLU, ReLU6, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, Residual];

function directChildren(m: Module): Module[] {
  return m.namedModules().filter(([name]) => name !== "" && !name.includes(".")).map(([, c]) => c);
}

/** A module of an unknown class with exactly one child and no parameters of its own forwards to that child. */
function isWrapper(m: Module): boolean {
  if (KNOWN.some((k) => m instanceof k)) return false;
  const children = directChildren(m);
  const own = m.namedParameters().length - children.reduce((n, c) => n + c.namedParameters().length, 0);
  return children.length === 1 && own === 0;
}

function flattenChain(layers: readonly Module[]): Module[] {
  const out: Module[] = [];
  for (const m of layers) {
    if (m instanceof Sequential) out.push(...flattenChain(m.layers));
    else if (m instanceof Dropout) continue; // identity in eval mode
    else if (isWrapper(m)) out.push(...flattenChain(directChildren(m)));
    else out.push(m);
  }
  return out;
}

/** Stable name of a module for tensor names: its dotted path, or its class for a root module. */
export function unitName(m: Module): string {
  return m.path || m.constructor.name;
}

export function planLayers(layers: readonly Module[]): LayerUnit[] {
  const chain = flattenChain(layers);
  const units: LayerUnit[] = [];
  for (let i = 0; i < chain.length; i++) {
    const m = chain[i]!;
    if (m instanceof Conv2d || m instanceof DepthwiseConv2d || m instanceof Linear) {
      let bn: BatchNorm2d | null = null;
      if (chain[i + 1] instanceof BatchNorm2d) bn = chain[++i] as BatchNorm2d;
      let act: FusedActivation = "NONE";
      const next = chain[i + 1];
      if (next instanceof ReLU) (act = "RELU"), i++;
      else if (next instanceof ReLU6) (act = "RELU6"), i++;
      units.push({ kind: "weighted", layer: m, bn, act, name: unitName(m) });
    } else {
      units.push({ kind: "module", module: m, name: unitName(m) });
    }
  }
  return units;
}
