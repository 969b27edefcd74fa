/**
 * Training checkpoints as .safetensors. Parameters and buffers are stored under their own names (so the final
 * file is a plain weights file other tools read); optimizer state under "optim/<name>"; the run's settings,
 * progress, metric history and Rng state in __metadata__. Nothing time-dependent is stored, so the same seed
 * writes the same bytes.
 */
import { FileFormatError } from "../errors/index.js";
import { entryToTensor, readSafetensors, writeSafetensors } from "../io/index.js";
import { formatShape, shapesEqual, type Tensor } from "../tensor/index.js";
import type { TrainableModel } from "./contracts.js";

export const CHECKPOINT_FORMAT = "dietml-train-checkpoint/1";
const OPTIM_PREFIX = "optim/";

/** Settings that define a run: a checkpoint resumes only a run with the same ones. */
export type RunSettings = Record<string, string | number | boolean>;

/** Deterministic per-epoch metrics (no timings: they would make the bytes differ between runs). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export interface CheckpointState {
  settings: RunSettings;
  epochsDone: number;
  /** True in the final file of a finished run. */
  complete: boolean;
  rngState: number[];
  history: EpochRecord[];
  parameters: [string, Tensor][];
  buffers: [string, Tensor][];
  /** Empty in the final file. */
  optimizer: [string, Tensor][];
}

export function writeCheckpoint(file: string, state: CheckpointState): void {
  const tensors: [string, Tensor][] = [
    ...state.parameters,
    ...state.buffers,
    ...state.optimizer.map(([name, t]): [string, Tensor] => [OPTIM_PREFIX + name, t]),
  ];
  writeSafetensors(file, tensors, {
    format: CHECKPOINT_FORMAT,
    settings: JSON.stringify(state.settings),
    epochs_done: String(state.epochsDone),
    complete: String(state.complete),
    rng: JSON.stringify(state.rngState),
    history: JSON.stringify(state.history),
    buffers: JSON.stringify(state.buffers.map(([name]) => name)),
  });
}

export function readCheckpoint(file: string): CheckpointState {
  const contents = readSafetensors(file);
  const meta = contents.metadata;
  const fail = (why: string): never => {
    throw new FileFormatError(file, why, "this is not a checkpoint written by `dietml train`; pass another --out or delete the file");
  };
  if (meta.format !== CHECKPOINT_FORMAT) fail(`__metadata__.format is ${JSON.stringify(meta.format)}, expected "${CHECKPOINT_FORMAT}"`);
  const settings = parseJson(meta.settings, "settings", fail);
  const rngState = parseJson(meta.rng, "rng", fail);
  const history = parseJson(meta.history, "history", fail);
  const bufferNames = parseJson(meta.buffers, "buffers", fail);
  const epochsDone = Number(meta.epochs_done);
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) fail("__metadata__.settings is not an object");
  if (!Array.isArray(rngState) || rngState.length !== 4 || !rngState.every((v) => Number.isInteger(v))) fail("__metadata__.rng is not 4 integers");
  if (!Array.isArray(history)) fail("__metadata__.history is not a list");
  if (!Array.isArray(bufferNames) || !bufferNames.every((n) => typeof n === "string")) fail("__metadata__.buffers is not a list of names");
  if (!Number.isInteger(epochsDone) || epochsDone < 0) fail(`__metadata__.epochs_done is ${JSON.stringify(meta.epochs_done)}`);
  if (meta.complete !== "true" && meta.complete !== "false") fail(`__metadata__.complete is ${JSON.stringify(meta.complete)}`);
  const buffers = new Set(bufferNames as string[]);
  const state: CheckpointState = {
    settings: settings as RunSettings,
    epochsDone,
    complete: meta.complete === "true",
    rngState: rngState as number[],
    history: history as EpochRecord[],
    parameters: [],
    buffers: [],
    optimizer: [],
  };
  for (const [name, entry] of contents.tensors) {
    const tensor = entryToTensor(entry, name, file);
    if (name.startsWith(OPTIM_PREFIX)) state.optimizer.push([name.slice(OPTIM_PREFIX.length), tensor]);
    else if (buffers.has(name)) state.buffers.push([name, tensor]);
    else state.parameters.push([name, tensor]);
  }
  return state;
}

/** Copy a checkpoint's parameters and buffers into `model`; every name and shape must match. */
export function loadModelState(model: TrainableModel, state: CheckpointState, file: string): void {
  const stored = new Map<string, Tensor>([...state.parameters, ...state.buffers]);
  const targets: [string, Float32Array, readonly number[]][] = [
    ...model.namedParameters().map(([name, p]): [string, Float32Array, readonly number[]] => [name, p.values, p.shape]),
    ...model.namedBuffers().map(([name, b]): [string, Float32Array, readonly number[]] => [name, b.data, b.shape]),
  ];
  const hint = "the checkpoint was written for a different model; pass the matching --model or another --out";
  for (const [name, values, shape] of targets) {
    const t = stored.get(name);
    if (t === undefined) throw new FileFormatError(file, `has no tensor "${name}" that the model needs`, hint);
    if (!shapesEqual(t.shape, shape) || t.dtype !== "f32") {
      throw new FileFormatError(file, `tensor "${name}" is ${t.dtype} ${formatShape(t.shape)}, the model needs f32 ${formatShape(shape)}`, hint);
    }
    values.set(t.data as Float32Array);
    stored.delete(name);
  }
  if (stored.size > 0) throw new FileFormatError(file, `has tensors the model does not: ${[...stored.keys()].slice(0, 5).join(", ")}`, hint);
}

function parseJson(text: string | undefined, key: string, fail: (why: string) => never): unknown {
  if (text === undefined) fail(`__metadata__ has no "${key}"`);
  try {
    return JSON.parse(text!);
  } catch {
    return fail(`__metadata__.${key} is not valid JSON`);
  }
}
