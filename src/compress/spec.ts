/**
 * Per-layer settings as written on the command line: a bare value for every layer ("0.9"), or comma-separated
 * key=value pairs where a key is a layer kind ("fc", "conv"), a layer path ("fc1") or "*"
 * ("conv=8,fc=5", "fc1=0.92,fc2=0.91,fc3=0.74"). A layer path wins over its kind, a kind over "*".
 */
import { ArgumentError } from "../errors/index.js";

export function parseLayerSpec(text: string, what: string, parseValue: (v: string) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of text.split(",").map((p) => p.trim())) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? "*" : part.slice(0, eq).trim();
    const raw = eq < 0 ? part : part.slice(eq + 1).trim();
    if (key === "" || raw === "" || out.has(key)) {
      throw new ArgumentError(`${what} "${text}" is not understood (at "${part}")`, `write one value ("0.9") or pairs such as "conv=8,fc=5" or "fc1=0.92,fc2=0.91"`);
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new ArgumentError(`${what}: "${raw}" is not a number`, `write e.g. "fc=5"`);
    out.set(key, parseValue(raw));
  }
  return out;
}

/** "2:4" -> [2, 4]; undefined when the text is not of that form. */
export function parseNmSpec(text: string): [number, number] | undefined {
  const m = /^([0-9]+):([0-9]+)$/.exec(text.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}
