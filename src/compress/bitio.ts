/** Bit streams for Huffman codes: most significant bit first within each byte, the last byte zero-padded. */

export class BitWriter {
  readonly #bytes: number[] = [];
  #current = 0;
  #used = 0;
  bitLength = 0;

  /** Appends the low `length` bits of `code`, most significant first (length <= 31). */
  write(code: number, length: number): void {
    for (let b = length - 1; b >= 0; b--) {
      this.#current = (this.#current << 1) | ((code >>> b) & 1);
      if (++this.#used === 8) {
        this.#bytes.push(this.#current);
        this.#current = 0;
        this.#used = 0;
      }
    }
    this.bitLength += length;
  }

  finish(): Uint8Array {
    const out = Uint8Array.from(this.#bytes);
    if (this.#used === 0) return out;
    const tail = new Uint8Array(out.length + 1);
    tail.set(out);
    tail[out.length] = this.#current << (8 - this.#used);
    return tail;
  }
}

export class BitReader {
  #pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly bitLength: number,
    private readonly fail: (why: string) => never,
  ) {}

  readBit(): number {
    if (this.#pos >= this.bitLength) this.fail(`bit stream ends early (after ${this.bitLength} bits)`);
    const bit = (this.bytes[this.#pos >>> 3]! >>> (7 - (this.#pos & 7))) & 1;
    this.#pos++;
    return bit;
  }

  get remaining(): number {
    return this.bitLength - this.#pos;
  }
}
