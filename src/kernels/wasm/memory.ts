/**
 * The one shared WebAssembly.Memory every kernel module (and every pool worker) runs on, plus a bump
 * allocator for operands. Layout: [0, RESERVED_BYTES) holds the modules' static data (scripts/build-wasm.mjs
 * gives each module its own 64 KiB slot there); operands are bump-allocated above it for the duration of one
 * kernel call (`resetScratch()` at the start of each call) and the memory only grows (high-water mark).
 */
import { UnsupportedError } from "../../errors/index.js";

const PAGE = 65536;
export const RESERVED_BYTES = 16 * PAGE;
const ALIGN = 64;

export const sharedMemory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });

/** Start of the scratch region; persistent allocations sit between RESERVED_BYTES and here. */
let scratchBase = RESERVED_BYTES;
let top = RESERVED_BYTES;

/** Frees every scratch allocation (kernel calls are synchronous and never nested). */
export function resetScratch(): void {
  top = scratchBase;
}

/**
 * Reserves bytes that survive resetScratch for the life of the process (e.g. weights packed once at model
 * load). Taken above every live scratch allocation, so it is safe at any time; never freed.
 */
export function allocPersistent(bytes: number): number {
  const ptr = allocScratch(bytes);
  scratchBase = top;
  return ptr;
}

/** Reserves `bytes` (64-byte aligned) in the shared memory, growing it when needed; returns the address. */
export function allocScratch(bytes: number): number {
  const ptr = top;
  top = ptr + Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
  const have = sharedMemory.buffer.byteLength;
  if (top > have) {
    try {
      sharedMemory.grow(Math.ceil((top - have) / PAGE));
    } catch {
      top = ptr;
      throw new UnsupportedError(
        `a kernel needs ${Math.ceil((ptr + bytes) / 2 ** 20)} MiB of WebAssembly memory, more than can be allocated (limit 4 GiB)`,
        "use a smaller batch or smaller layers",
      );
    }
  }
  return ptr;
}

/** A Float32Array view of `length` floats at `ptr` (views are made fresh: growth replaces the buffer). */
export function f32View(ptr: number, length: number): Float32Array {
  return new Float32Array(sharedMemory.buffer, ptr, length);
}

export function i32View(ptr: number, length: number): Int32Array {
  return new Int32Array(sharedMemory.buffer, ptr, length);
}

/**
 * Copies `length` floats at `ptr` out into a new plain array. (TypedArray.slice on a view of shared memory
 * takes a slow element-wise path in V8; allocate-then-set is ~5x faster.)
 */
export function copyOut(ptr: number, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(f32View(ptr, length));
  return out;
}

/** Copies a JS array into fresh scratch memory, returning its address. */
export function copyIn(data: Float32Array): number {
  const ptr = allocScratch(data.length * 4);
  f32View(ptr, data.length).set(data);
  return ptr;
}

/** Allocates and fills an i32 argument record for a kernel task. */
export function argsRecord(values: readonly number[]): number {
  const ptr = allocScratch(values.length * 4);
  i32View(ptr, values.length).set(values);
  return ptr;
}
