/** Reads a model in whichever format its bytes are: .tflite (by its "TFL3" identifier) or .onnx. */
import { FileFormatError } from "../errors/index.js";
import type { Graph } from "./ir.js";
import { readOnnx } from "./onnx/import.js";
import { FILE_IDENTIFIER } from "./tflite/schema.js";
import { readTflite } from "./tflite/read.js";

export type ModelFormat = "tflite" | "onnx";

/**
 * TFLite files carry their identifier at bytes 4..7. An ONNX ModelProto starts with a field
 * key: ir_version (0x08) in practice, or any of the few top-level fields a writer may put first.
 */
export function detectModelFormat(bytes: Uint8Array, fileName = "model"): ModelFormat {
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === FILE_IDENTIFIER) return "tflite";
  if (fileName.toLowerCase().endsWith(".onnx")) return "onnx";
  const ONNX_FIRST_KEYS = [0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72];
  if (bytes.length > 0 && ONNX_FIRST_KEYS.includes(bytes[0]!) && !fileName.toLowerCase().endsWith(".tflite")) return "onnx";
  throw new FileFormatError(
    fileName,
    bytes.length === 0 ? "the file is empty" : "neither a TFLite model (no TFL3 identifier at bytes 4..7) nor an ONNX model",
    "give a .tflite or .onnx model file",
  );
}

export function readModel(bytes: Uint8Array, fileName = "model"): Graph {
  return detectModelFormat(bytes, fileName) === "tflite" ? readTflite(bytes, fileName) : readOnnx(bytes, fileName);
}
