/** Reads the shared TFLite Micro golden vectors (../shared/golden/<model>/). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const GOLDEN_DIR = "/work/shared/golden";
export const MODEL_DIR = "/work/shared/models/mlperf-tiny";

export interface GoldenMeta {
  model: string;
  input: { dtype: string; shape: number[] };
  output: { dtype: string; shape: number[] };
  count: number;
}

export function goldenAvailable(name: string): boolean {
  return existsSync(join(GOLDEN_DIR, name, "meta.json"));
}

export function readMeta(name: string): GoldenMeta {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name, "meta.json"), "utf8")) as GoldenMeta;
}

function typed(bytes: Buffer, dtype: string): Int8Array | Float32Array {
  const copy = new Uint8Array(bytes).buffer;
  return dtype === "int8" ? new Int8Array(copy) : new Float32Array(copy);
}

export function readPair(name: string, i: number, meta: GoldenMeta): { input: Int8Array | Float32Array; output: Int8Array | Float32Array } {
  const nn = String(i).padStart(2, "0");
  return {
    input: typed(readFileSync(join(GOLDEN_DIR, name, `input_${nn}.bin`)), meta.input.dtype),
    output: typed(readFileSync(join(GOLDEN_DIR, name, `output_${nn}.bin`)), meta.output.dtype),
  };
}

export function readModel(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MODEL_DIR, file)));
}
