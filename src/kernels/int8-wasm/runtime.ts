/**
 * The int8 SIMD module and the memory it computes on. It gets its own shared WebAssembly.Memory (not the
 * f32 kernels' one): that runtime resets its scratch to a fixed base on every call, while int8 models keep
 * packed weights and live activations resident between calls. Blocks come from a size-class allocator
 * (freed blocks are reused, so models prepared and dropped in a loop do not grow the memory without bound);
 * scratch is one bump region reset per kernel call.
 */
import { readFileSync } from "node:fs";
import { locateWasm } from "../wasm/locate.js";

export interface Int8Exports {
  gemm(rec: number, a: number, out: number): void;
  gemmRows4(rec: number, a4: number, out: number): void;
  packRows4(a: number, m: number, kp: number, dst: number): void;
  packRows4Int8(a: number, m: number, k: number, dst: number): void;
  depthwise(rec: number, input: number, out: number): void;
  depthwisePadded(rec: number, input: number, out: number, framed: number): void;
  im2col(rec: number, input: number, a: number): void;
  im2colInt8(rec: number, input: number, a: number): void;
  extendInt8(src: number, dst: number, n: number): void;
  averagePool(rec: number, input: number, out: number): void;
  remapChannels(rec: number, src: number, dst: number): void;
  outputConstants(oc: number, zp: number, actMin: number, actMax: number): void;
  requantUniformRun(u: number, src: number, dst: number, n: number): void;
  requantUniformScaledRun(u: number, src: number, dst: number, n: number): void;
}

const PAGE = 65536;
/** Static data of the module sits below this (scripts/build-wasm.mjs gives each module a 64 KiB slot under 1 MiB). */
const HEAP_BASE = 16 * PAGE;
const MIN_BLOCK = 64;
/** Bytes every block keeps free past its end: SIMD loops read and write up to 16 bytes beyond a run. */
export const SLACK = 64;

export class Int8Runtime {
  readonly memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  readonly exports: Int8Exports;
  private top = HEAP_BASE;
  private readonly freeLists = new Map<number, number[]>();
  private readonly sizeOf = new Map<number, number>();
  private scratchPtr = 0;
  private scratchSize = 0;
  private scratchUsed = 0;
  private scratchWanted = 0;
  private readonly overflow: number[] = [];

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: { memory: this.memory, abort: () => { throw new Error("int8 wasm module aborted"); } },
    });
    this.exports = instance.exports as unknown as Int8Exports;
  }

  /** A block of at least `bytes` (+ SLACK), 64-byte aligned, zero filled. */
  alloc(bytes: number): number {
    let size = MIN_BLOCK;
    while (size < bytes + SLACK) size *= 2;
    const reuse = this.freeLists.get(size)?.pop();
    let ptr: number;
    if (reuse !== undefined) {
      ptr = reuse;
    } else {
      ptr = this.top;
      this.top += size;
      const have = this.memory.buffer.byteLength;
      if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    }
    this.sizeOf.set(ptr, size);
    new Uint8Array(this.memory.buffer, ptr, size).fill(0);
    return ptr;
  }

  free(ptr: number): void {
    const size = this.sizeOf.get(ptr);
    if (size === undefined) return;
    this.sizeOf.delete(ptr);
    const list = this.freeLists.get(size) ?? [];
    list.push(ptr);
    this.freeLists.set(size, list);
  }

  /** Frees the previous call's scratch; grows the scratch region to what that call needed. */
  resetScratch(): void {
    for (const p of this.overflow) this.free(p);
    this.overflow.length = 0;
    if (this.scratchWanted > this.scratchSize) {
      if (this.scratchPtr) this.free(this.scratchPtr);
      this.scratchSize = this.scratchWanted;
      this.scratchPtr = this.alloc(this.scratchSize);
    }
    this.scratchUsed = 0;
  }

  /** Scratch for the current kernel call only (contents undefined). */
  scratch(bytes: number): number {
    const need = Math.ceil((bytes + SLACK) / MIN_BLOCK) * MIN_BLOCK;
    this.scratchWanted = Math.max(this.scratchWanted, this.scratchUsed + need);
    if (this.scratchUsed + need <= this.scratchSize) {
      const p = this.scratchPtr + this.scratchUsed;
      this.scratchUsed += need;
      return p;
    }
    const p = this.alloc(bytes);
    this.overflow.push(p);
    return p;
  }

  i8(ptr: number, length: number): Int8Array {
    return new Int8Array(this.memory.buffer, ptr, length);
  }

  i16(ptr: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** A block holding an op's output zero point and clamp as vectors (see outputConstants in int8.entry.ts). */
  outputConstants(zp: number, actMin: number, actMax: number): number {
    const ptr = this.alloc(52);
    this.exports.outputConstants(ptr, zp, actMin, actMax);
    return ptr;
  }

  /** Copies constants into a fresh block; returns its address. */
  place(data: Int8Array | Int16Array | Int32Array): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }
}

let runtime: Int8Runtime | null | undefined;

/** The runtime, or null when build/wasm/int8.wasm is not built (callers keep the reference kernels). */
export function int8Runtime(): Int8Runtime | null {
  if (runtime === undefined) {
    const path = locateWasm("int8");
    runtime = path === null ? null : new Int8Runtime(new WebAssembly.Module(readFileSync(path)));
  }
  return runtime;
}

/** Frees a kernel's resident blocks once its params object is garbage collected. */
const finalizer = new FinalizationRegistry<number[]>((ptrs) => {
  const rt = int8Runtime();
  if (rt) for (const p of ptrs) rt.free(p);
});

export function freeWhenCollected(owner: object, ptrs: number[]): void {
  finalizer.register(owner, ptrs);
}
