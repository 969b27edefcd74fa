import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError, UnsupportedError } from "../../src/errors/index.js";
import { decodeNpy, encodeNpy, readNpy, writeNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/tensor/index.js";

// Fixtures were written by numpy 2.4 (numpy.save); see the values below.
const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

describe(".npy", () => {
  it("reads numpy's files", () => {
    const f32 = readNpy(fixture("f32_2x3.npy"));
    expect(f32.dtype).toBe("f32");
    expect(f32.shape).toEqual([2, 3]);
    expect(Array.from(f32.data)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    const f64 = readNpy(fixture("f64_4.npy"));
    expect(f64.dtype).toBe("f32");
    expect(Array.from(f64.data)).toEqual(Array.from(Float32Array.of(0.25, -1.5, 3, 1e-3)));
    const i8 = readNpy(fixture("i8_3.npy"));
    expect([i8.dtype, Array.from(i8.data)]).toEqual(["i8", [-128, 0, 127]]);
    const i64 = readNpy(fixture("i64_2x2.npy"));
    expect([i64.dtype, i64.shape, Array.from(i64.data)]).toEqual(["i32", [2, 2], [1, -2, 3, 2147483647]]);
    const scalar = readNpy(fixture("f32_scalar.npy"));
    expect([scalar.shape, Array.from(scalar.data)]).toEqual([[], [7]]);
  });

  it("writes exactly the bytes numpy writes", () => {
    const t = new Tensor([2, 3], "f32", Float32Array.of(-1, -0.5, 0, 0.5, 1, 1.5));
    expect(Buffer.from(encodeNpy(t)).equals(readFileSync(fixture("f32_2x3.npy")))).toBe(true);
    const i8 = new Tensor([3], "i8", Int8Array.of(-128, 0, 127));
    expect(Buffer.from(encodeNpy(i8)).equals(readFileSync(fixture("i8_3.npy")))).toBe(true);
  });

  it("round-trips through a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "dietml-npy-"));
    const t = new Tensor([1, 5, 1, 3], "i32", Int32Array.from({ length: 15 }, (_, i) => i * 1000 - 7000));
    writeNpy(join(dir, "t.npy"), t);
    const back = readNpy(join(dir, "t.npy"));
    expect(back.shape).toEqual(t.shape);
    expect(Array.from(back.data)).toEqual(Array.from(t.data));
  });

  it("rejects what it cannot read with typed errors", () => {
    expect(() => readNpy(fixture("fortran.npy"))).toThrow(UnsupportedError);
    expect(() => readNpy(fixture("u16.npy"))).toThrow(/dtype '<u2' is not supported/);
    const good = readFileSync(fixture("f32_2x3.npy"));
    expect(() => decodeNpy(good.subarray(0, good.length - 4), "cut.npy")).toThrow(/cut.npy: .*needs 24 data bytes, file has 20/);
    expect(() => decodeNpy(Uint8Array.from([1, 2, 3]), "junk.npy")).toThrow(FileFormatError);
    expect(() => decodeNpy(good.subarray(0, 40), "short.npy")).toThrow(/runs past the end/);
  });
});
