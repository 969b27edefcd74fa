/**
 * A whole model to and from the container: clustered layers (those with a codebook) go in sparse and Huffman
 * coded, every other parameter and buffer dense. decodeModelFile loads the result into a fresh model of the
 * same architecture. A pruned layer that is not clustered is stored dense.
 */
import { readFileSync } from "node:fs";
import { FileFormatError } from "../errors/index.js";
import type { Module } from "../nn/index.js";
import { decodeModel, type DecodedModel } from "./container-decode.js";
import { encodeModel, type EncodedModel, type TensorToEncode } from "./container-encode.js";
import type { Codebook } from "./kmeans.js";
import type { Mask } from "./prune.js";

export interface ClusterState {
  book: Codebook;
  mask: Mask;
}

export function encodeModule(model: Module, clustered: ReadonlyMap<string, ClusterState>, metadata: Record<string, string>, huffman = true): EncodedModel {
  const tensors: TensorToEncode[] = [...model.stateDict()].map(([name, t]) => {
    const c = clustered.get(name);
    return c === undefined
      ? { name, shape: t.shape, kind: "dense", values: t.data }
      : { name, shape: t.shape, kind: "clustered", values: t.data, book: c.book, mask: c.mask };
  });
  return encodeModel(tensors, metadata, huffman);
}

export function readCompressedFile(file: string): DecodedModel {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (cause) {
    throw new FileFormatError(file, `cannot read: ${(cause as Error).message}`, "check the path to the .dmlz file");
  }
  return decodeModel(bytes, file);
}

/** Loads decoded tensors into `model` (same architecture; names and shapes must match). */
export function loadDecoded(model: Module, decoded: DecodedModel): void {
  model.loadStateDict(new Map(decoded.tensors));
}
