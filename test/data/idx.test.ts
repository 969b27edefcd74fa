import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors/index.js";
import { encodeIdx, parseIdx, readIdx } from "../../src/data/idx.js";

const dir = mkdtempSync(join(tmpdir(), "dietml-idx-"));

describe("IDX reader", () => {
  it("round-trips a gzipped and a raw array", () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 7) % 256);
    for (const gzip of [true, false]) {
      const file = join(dir, `a${gzip ? ".gz" : ""}`);
      writeFileSync(file, encodeIdx({ dims: [2, 3, 4], data }, gzip));
      const back = readIdx(file);
      expect(back.dims).toEqual([2, 3, 4]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it("parses the big-endian header by hand", () => {
    const bytes = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 9, 8, 7]);
    expect(parseIdx(bytes, "x")).toEqual({ dims: [3], data: Uint8Array.from([9, 8, 7]) });
  });

  const bad: [string, number[], RegExp][] = [
    ["short", [0, 0], /too short/],
    ["magic", [1, 0, 8, 1, 0, 0, 0, 1, 5], /bad IDX magic/],
    ["type", [0, 0, 0x0d, 1, 0, 0, 0, 1, 5], /element type 0x0d/],
    ["header", [0, 0, 8, 3, 0, 0, 0, 1], /truncated IDX header/],
    ["truncated", [0, 0, 8, 1, 0, 0, 0, 4, 1, 2], /truncated: dimensions \[4\]/],
    ["trailing", [0, 0, 8, 1, 0, 0, 0, 1, 1, 2], /trailing bytes/],
  ];
  for (const [name, bytes, message] of bad) {
    it(`rejects a ${name} file with a FileFormatError naming it`, () => {
      const file = join(dir, `bad-${name}`);
      writeFileSync(file, Uint8Array.from(bytes));
      expect(() => readIdx(file)).toThrow(FileFormatError);
      expect(() => readIdx(file)).toThrow(message);
      expect(() => readIdx(file)).toThrow(file);
    });
  }

  it("rejects a corrupt gzip stream", () => {
    const file = join(dir, "corrupt.gz");
    const good = encodeIdx({ dims: [100], data: new Uint8Array(100).fill(3) }, true);
    writeFileSync(file, good.subarray(0, good.length - 6));
    expect(() => readIdx(file)).toThrow(/corrupt gzip stream/);
  });
});
