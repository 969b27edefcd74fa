/**
 * Where activations live while a model runs. The engine asks the storage for one typed view per
 * non-constant tensor once, at prepare time; a memory planner slots in by handing out views into a
 * shared arena (tensors whose lifetimes do not overlap may share bytes).
 */
import { ArgumentError, UnsupportedError } from "../errors/index.js";
import type { Graph, GraphTensor } from "../graph/index.js";
import { elementCount } from "../graph/index.js";

export type ActivationArray = Float32Array | Int8Array | Int32Array;

export interface TensorStorage {
  /** The view for a tensor; the same tensor always gets the same view. */
  viewOf(tensor: GraphTensor): ActivationArray;
  /** Bytes this storage holds for activations (what a memory report counts). */
  readonly bytes: number;
}

export type StorageFactory = (graph: Graph) => TensorStorage;

/** Above this many activation bytes we refuse to allocate: no microcontroller model is near it. */
export const MAX_ACTIVATION_BYTES = 256 * 1024 * 1024;

/** Element types the executor can hold as activations. */
export function activationArrayFor(tensor: GraphTensor, size: number): ActivationArray {
  switch (tensor.dtype) {
    case "f32":
      return new Float32Array(size);
    case "i8":
      return new Int8Array(size);
    case "i32":
      return new Int32Array(size);
    default:
      throw new UnsupportedError(
        `tensor ${tensor.index} "${tensor.name}" has type ${tensor.dtype}, which the engine cannot hold as an activation`,
        "the engine runs f32, i8 and i32 activations; convert the model to int8 or float32",
      );
  }
}

/** One separate buffer per tensor: simple and always correct, the baseline a planner improves on. */
export function createSimpleStorage(graph: Graph): TensorStorage {
  const views = new Map<number, ActivationArray>();
  let bytes = 0;
  return {
    viewOf(tensor: GraphTensor): ActivationArray {
      let v = views.get(tensor.index);
      if (!v) {
        const size = elementCount(tensor.shape);
        v = activationArrayFor(tensor, size);
        views.set(tensor.index, v);
        bytes += v.byteLength;
      }
      return v;
    },
    get bytes() {
      return bytes;
    },
  };
}

/**
 * Views into one shared arena at byte offsets a memory planner chose. Tensors whose lifetimes do not
 * overlap may share bytes; the planner is responsible for that, this only checks bounds and alignment.
 */
export function createArenaStorage(offsets: ReadonlyMap<number, number>, arenaBytes: number): StorageFactory {
  return (graph: Graph): TensorStorage => {
    if (!Number.isInteger(arenaBytes) || arenaBytes < 0 || arenaBytes > MAX_ACTIVATION_BYTES) {
      throw new ArgumentError(`arena size ${arenaBytes} is not a byte count between 0 and ${MAX_ACTIVATION_BYTES}`, "pass the planner's arena size");
    }
    const arena = new ArrayBuffer(arenaBytes);
    const views = new Map<number, ActivationArray>();
    return {
      viewOf(tensor: GraphTensor): ActivationArray {
        const existing = views.get(tensor.index);
        if (existing) return existing;
        const offset = offsets.get(tensor.index);
        if (offset === undefined) {
          throw new ArgumentError(`the memory plan has no offset for tensor ${tensor.index} "${tensor.name}"`, "plan every non-constant tensor of the graph");
        }
        const size = elementCount(tensor.shape);
        const width = tensor.dtype === "i8" ? 1 : 4;
        if (!Number.isInteger(offset) || offset < 0 || offset % width !== 0 || offset + size * width > arenaBytes) {
          throw new ArgumentError(
            `tensor ${tensor.index} "${tensor.name}" (${size * width} bytes) does not fit the arena at offset ${offset} (arena ${arenaBytes} bytes, alignment ${width})`,
            "fix the memory plan: offsets must be aligned to the element size and inside the arena",
          );
        }
        let view: ActivationArray;
        if (tensor.dtype === "i8") view = new Int8Array(arena, offset, size);
        else if (tensor.dtype === "f32") view = new Float32Array(arena, offset, size);
        else if (tensor.dtype === "i32") view = new Int32Array(arena, offset, size);
        else view = activationArrayFor(tensor, size); // throws the typed dtype error
        views.set(tensor.index, view);
        return view;
      },
      bytes: graph.tensors.length === 0 ? 0 : arenaBytes,
    };
  };
}

let defaultFactory: StorageFactory = createSimpleStorage;

/** The storage prepareModel uses when its options name none (a fast kernel set may install its own; null restores the simple one). */
export function setDefaultStorage(factory: StorageFactory | null): void {
  defaultFactory = factory ?? createSimpleStorage;
}

export function defaultStorage(): StorageFactory {
  return defaultFactory;
}
