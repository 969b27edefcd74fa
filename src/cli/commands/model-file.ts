/** Loading a model file named on the command line, for the engine verbs (inspect, run, compare). */
import { readFileSync, statSync } from "node:fs";
import { FileFormatError } from "../../errors/index.js";
import { readTflite, type Graph } from "../../graph/index.js";

export interface ModelFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly graph: Graph;
}

/** Reads and parses a .tflite file; a missing or unreadable path is a FileFormatError, not a stack trace. */
export function loadModelFile(path: string): ModelFile {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error("it is not a regular file");
    bytes = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new FileFormatError(path, `cannot read the model: ${(cause as Error).message}`, "check the path to the .tflite file");
  }
  return { path, bytes, graph: readTflite(bytes, path) };
}
