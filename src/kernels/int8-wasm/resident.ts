/**
 * Activations resident in the int8 module's memory: a kernel given such a view runs in place on its bytes
 * (pointer = byteOffset); any other array is copied into scratch and back, so results never depend on
 * where the caller keeps its data.
 */
import { freeWhenCollected, type Int8Runtime } from "./runtime.js";

const residentViews = new WeakSet<Int8Array>();

/** A zeroed int8 array living in WASM memory; its block is freed when the array is collected. */
export function allocResidentInt8(rt: Int8Runtime, length: number): Int8Array {
  const ptr = rt.alloc(length);
  const view = rt.i8(ptr, length);
  residentViews.add(view);
  freeWhenCollected(view, [ptr]);
  return view;
}

export function isResident(view: Int8Array): boolean {
  return residentViews.has(view);
}

/** Address of an input's bytes in WASM memory (copied into scratch unless resident). */
export function inputAddress(rt: Int8Runtime, data: Int8Array): number {
  if (residentViews.has(data)) return data.byteOffset;
  const ptr = rt.scratch(data.length);
  rt.i8(ptr, data.length).set(data);
  return ptr;
}

/** Address the kernel writes an output to; call `copyBack` after the kernel when it is not the array itself. */
export function outputAddress(rt: Int8Runtime, data: Int8Array): number {
  return residentViews.has(data) ? data.byteOffset : rt.scratch(data.length);
}

export function copyBack(rt: Int8Runtime, ptr: number, data: Int8Array): void {
  if (ptr !== data.byteOffset || !residentViews.has(data)) data.set(rt.i8(ptr, data.length));
}
