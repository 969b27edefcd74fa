/**
 * The CSR product as a small WebAssembly SIMD module, assembled here from its bytecode (no build step): for
 * each kept a[i][j], row j of B is scaled into row i of C four floats at a time (f32x4 mul + add), the same
 * loop as csr.ts. Needs n % 4 == 0; the module owns its memory, and operands are copied in per call
 * (prepareCsrWasm copies A once). Falls back to null where WebAssembly SIMD is unavailable.
 */
import type { CsrMatrix } from "./csr.js";

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// locals: params rs, ci, vals, b, c, rows, n(bytes per B/C row); then i, e, eEnd, cRow, bRow, x; then v
const [RS, CI, VALS, B, C, ROWS, NB, I, E, EEND, CROW, BROW, X, V] = Array.from({ length: 14 }, (_, k) => k);
const get = (l: number): number[] => [0x20, l];
const set = (l: number): number[] => [0x21, l];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const ADD = 0x6a;
const MUL = 0x6c;
const GE_U = 0x4f;
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

function body(): number[] {
  const code = [
    ...i32(0), ...set(I),
    0x02, 0x40, 0x03, 0x40, // block, loop over rows
    ...get(I), ...get(ROWS), GE_U, 0x0d, 1,
    ...get(C), ...get(I), ...get(NB), MUL, ADD, ...set(CROW),
    ...get(RS), ...get(I), ...i32(4), MUL, ADD, 0x28, 2, 0, ...set(E),
    ...get(RS), ...get(I), ...i32(4), MUL, ADD, 0x28, 2, 4, ...set(EEND),
    0x02, 0x40, 0x03, 0x40, // block, loop over the row's entries
    ...get(E), ...get(EEND), GE_U, 0x0d, 1,
    ...get(VALS), ...get(E), ...i32(4), MUL, ADD, 0x2a, 2, 0, ...simd(0x13), ...set(V), // v = splat(vals[e])
    ...get(B), ...get(CI), ...get(E), ...i32(4), MUL, ADD, 0x28, 2, 0, ...get(NB), MUL, ADD, ...set(BROW),
    ...i32(0), ...set(X),
    0x02, 0x40, 0x03, 0x40, // block, loop over n in steps of 4 floats
    ...get(X), ...get(NB), GE_U, 0x0d, 1,
    ...get(CROW), ...get(X), ADD, // address for the store
    ...get(CROW), ...get(X), ADD, ...simd(0x00, 2, 0), // c[x..x+3]
    ...get(V), ...get(BROW), ...get(X), ADD, ...simd(0x00, 2, 0), ...simd(230), // v * b[x..x+3]
    ...simd(228), ...simd(0x0b, 2, 0), // store c + v*b
    ...get(X), ...i32(16), ADD, ...set(X),
    0x0c, 0, 0x0b, 0x0b,
    ...get(E), ...i32(1), ADD, ...set(E),
    0x0c, 0, 0x0b, 0x0b,
    ...get(I), ...i32(1), ADD, ...set(I),
    0x0c, 0, 0x0b, 0x0b,
    0x0b,
  ];
  const locals = [2, ...uleb(6), I32, 1, V128];
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...str("spmm"), 0x00, 0, ...str("mem"), 0x02, 0]),
    ...section(10, [1, ...body()]),
  ]);
}

interface Instance {
  spmm: (rs: number, ci: number, vals: number, b: number, c: number, rows: number, nBytes: number) => void;
  mem: WebAssembly.Memory;
}

let instance: Instance | null | undefined;

function load(): Instance | null {
  if (instance !== undefined) return instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as Instance;
  } catch {
    instance = null; // no WebAssembly SIMD here: callers use the TS kernel
  }
  return instance;
}

/** A CSR matrix copied into the kernel's memory once, multiplied by many B. */
export interface PreparedCsr {
  matmul(b: Float32Array, n: number): Float32Array;
}

export function prepareCsrWasm(a: CsrMatrix): PreparedCsr | null {
  const wasm = load();
  if (wasm === null) return null;
  const align = (x: number): number => (x + 15) & ~15;
  const rs = 0;
  const ci = align(rs + 4 * (a.rows + 1));
  const vals = align(ci + 4 * a.colIndex.length);
  const bAt = align(vals + 4 * a.values.length);
  const ensure = (bytes: number): void => {
    const need = Math.ceil(bytes / 65536) - wasm.mem.buffer.byteLength / 65536;
    if (need > 0) wasm.mem.grow(need);
  };
  ensure(bAt);
  new Int32Array(wasm.mem.buffer, rs, a.rows + 1).set(a.rowStart);
  new Int32Array(wasm.mem.buffer, ci, a.colIndex.length).set(a.colIndex);
  new Float32Array(wasm.mem.buffer, vals, a.values.length).set(a.values);
  return {
    matmul(b: Float32Array, n: number): Float32Array {
      if (n % 4 !== 0) throw new RangeError(`the WASM CSR kernel needs n % 4 == 0, got ${n}`);
      const cAt = align(bAt + 4 * b.length);
      ensure(cAt + 4 * a.rows * n);
      new Float32Array(wasm.mem.buffer, bAt, b.length).set(b);
      const c = new Float32Array(wasm.mem.buffer, cAt, a.rows * n);
      c.fill(0);
      wasm.spmm(rs, ci, vals, bAt, cAt, a.rows, n * 4);
      return c.slice();
    },
  };
}
