/** Little-endian byte building and bounds-checked reading for the container format. */

export class ByteWriter {
  readonly #chunks: Uint8Array[] = [];
  length = 0;

  bytes(b: Uint8Array): this {
    this.#chunks.push(b);
    this.length += b.length;
    return this;
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v));
  }

  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    return this.bytes(b);
  }

  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return this.bytes(b);
  }

  f32s(values: Float32Array): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export class ByteReader {
  #pos = 0;
  readonly #view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly fail: (why: string) => never,
  ) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.buf.length - this.#pos;
  }

  bytes(n: number, what: string): Uint8Array {
    if (n > this.remaining) this.fail(`${what} needs ${n} bytes but only ${this.remaining} remain`);
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  u8(what: string): number {
    return this.bytes(1, what)[0]!;
  }

  u16(what: string): number {
    const at = this.#pos;
    this.bytes(2, what);
    return this.#view.getUint16(at, true);
  }

  u32(what: string): number {
    const at = this.#pos;
    this.bytes(4, what);
    return this.#view.getUint32(at, true);
  }

  f32s(n: number, what: string): Float32Array {
    const at = this.#pos;
    this.bytes(n * 4, what);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#view.getFloat32(at + i * 4, true);
    return out;
  }
}
