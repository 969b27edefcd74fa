import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Reads the shared TFLite Micro golden vectors (see /work/shared/golden/README.md). */
export const GOLDEN_DIR = "/work/shared/golden";
export const MODELS_DIR = "/work/shared/models/mlperf-tiny";

export interface GoldenMeta {
  model: string;
  count: number;
  input: { dtype: "int8" | "float32"; shape: number[] };
  output: { dtype: "int8" | "float32"; shape: number[] };
}

export function goldenMeta(name: string): GoldenMeta {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name, "meta.json"), "utf8")) as GoldenMeta;
}

export function modelBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MODELS_DIR, `${name}.tflite`)));
}

function numbered(kind: "input" | "output", i: number): string {
  return `${kind}_${String(i).padStart(2, "0")}.bin`;
}

/** Raw bytes of golden input/output `i`, copied into an aligned buffer. */
export function goldenBytes(name: string, kind: "input" | "output", i: number): Uint8Array {
  return new Uint8Array(readFileSync(join(GOLDEN_DIR, name, numbered(kind, i))));
}

export function asTyped(bytes: Uint8Array, dtype: "int8" | "float32"): Int8Array | Float32Array {
  const copy = bytes.slice();
  return dtype === "int8" ? new Int8Array(copy.buffer) : new Float32Array(copy.buffer);
}
