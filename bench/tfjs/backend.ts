/** Switches TensorFlow.js (the training peer) to its `wasm` or `cpu` backend, loading the wasm binaries from node_modules. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmConv2DBackpropFilter } from "./conv2dBackpropFilterWasm.js";

export type TfjsBackend = "wasm" | "cpu";

let wasmPathsSet = false;

export async function useTfjsBackend(backend: TfjsBackend): Promise<void> {
  if (backend === "wasm" && !wasmPathsSet) {
    const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
    setWasmPaths(join(dirname(pkg), "dist") + "/");
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend "${backend}" failed to initialise`);
  await tf.ready();
  if (backend === "wasm") registerWasmConv2DBackpropFilter();
}
