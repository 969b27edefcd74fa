/**
 * Which parameters compression acts on: the weight matrices of Linear ("fc") and Conv2d ("conv") layers, by
 * their dotted parameter names. Biases and normalisation parameters stay dense f32 (they are tiny).
 */
import type { Variable } from "../autograd/index.js";
import { Conv2d, Linear, type Module } from "../nn/index.js";

export type LayerKind = "fc" | "conv";

export interface CompressibleLayer {
  /** Parameter name, e.g. "fc1.weight". */
  name: string;
  /** Layer path, e.g. "fc1". */
  layer: string;
  kind: LayerKind;
  weight: Variable;
}

export function compressibleLayers(model: Module): CompressibleLayer[] {
  const out: CompressibleLayer[] = [];
  for (const [path, m] of model.namedModules()) {
    if (m instanceof Linear) out.push({ name: `${path}.weight`, layer: path, kind: "fc", weight: m.weight });
    else if (m instanceof Conv2d) out.push({ name: `${path}.weight`, layer: path, kind: "conv", weight: m.weight });
  }
  return out;
}

/**
 * The biases of Linear and Conv2d layers, by parameter name ("fc1.bias"). They are not pruned; clustering them
 * (the "bias" key of --cluster-bits) is optional, worth it when biases are a visible share of a small file.
 */
export function biasParameters(model: Module): { name: string; bias: Variable }[] {
  const out: { name: string; bias: Variable }[] = [];
  for (const [path, m] of model.namedModules()) {
    if ((m instanceof Linear || m instanceof Conv2d) && m.bias !== null) out.push({ name: `${path}.bias`, bias: m.bias });
  }
  return out;
}

/**
 * Resolves a per-layer setting: an exact layer path ("fc1") wins over its kind ("fc"), then "*" (a bare value).
 * Returns undefined when none applies.
 */
export function settingFor<T>(spec: ReadonlyMap<string, T>, layer: CompressibleLayer): T | undefined {
  return spec.get(layer.layer) ?? spec.get(layer.kind) ?? spec.get("*");
}
