/** The shared MLPerf Tiny reference models the graph tests read. */
import { readFileSync } from "node:fs";

export const MODEL_DIR = new URL("../../../shared/models/mlperf-tiny/", import.meta.url);
export const MODEL_NAMES = ["vww_96_int8", "kws_ref_model", "vww_96_float", "kws_ref_model_float32"] as const;

export function modelBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.tflite`, MODEL_DIR)));
}
