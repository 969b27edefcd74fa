/**
 * Just enough of the WebAssembly binary format to assemble the sparse kernels here (a single exported function
 * over the module's own exported memory), so they need no compiler or build step.
 */
export const I32 = 0x7f;
export const V128 = 0x7b;
export const ADD = 0x6a;
export const MUL = 0x6c;
export const GE_U = 0x4f;
/** block/loop with no result, br_if/br to a label depth, end. */
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const BR_IF = 0x0d;
export const BR = 0x0c;
export const END = 0x0b;
export const I32_LOAD = (offset: number): number[] => [0x28, 2, ...uleb(offset)];
export const F32_LOAD = (offset: number): number[] => [0x2a, 2, ...uleb(offset)];
export const V128_LOAD = [0xfd, 0x00, 2, 0];
export const V128_STORE = [0xfd, 0x0b, 2, 0];
export const F32X4_SPLAT = [0xfd, 0x13];
export const F32X4_ADD = [0xfd, ...uleb(228)];
export const F32X4_MUL = [0xfd, ...uleb(230)];

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

export const get = (l: number): number[] => [0x20, l];
export const set = (l: number): number[] => [0x21, l];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * A module exporting `fn` (params: `params` i32s, no result; locals as [count, type] runs) and its memory "mem".
 */
export function assembleModule(fn: string, params: number, locals: [number, number][], code: number[]): Uint8Array<ArrayBuffer> {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  const body = [...decl, ...code, END];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, params, ...new Array<number>(params).fill(I32), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name(fn), 0x00, 0, ...name("mem"), 0x02, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Instantiates, or null where WebAssembly SIMD is unavailable (callers keep their TS kernel). */
export function instantiate<T>(bytes: Uint8Array<ArrayBuffer>): (T & { mem: WebAssembly.Memory }) | null {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as T & { mem: WebAssembly.Memory };
  } catch {
    return null;
  }
}

/** Bump allocation in a module's memory, 16-byte aligned, growing it as needed. */
export class WasmArena {
  top = 0;
  constructor(readonly mem: WebAssembly.Memory) {}

  alloc(bytes: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + bytes;
    const need = Math.ceil(this.top / 65536) - this.mem.buffer.byteLength / 65536;
    if (need > 0) this.mem.grow(need);
    return at;
  }
}
