import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors/index.js";
import { readRawTensor, writeRawTensor } from "../../src/io/rawTensor.js";
import { Tensor } from "../../src/tensor/index.js";

describe("raw .bin tensors", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-bin-"));

  it("writes little-endian element bytes and reads them back", () => {
    const file = join(dir, "x.bin");
    writeRawTensor(file, new Tensor([2], "i32", Int32Array.of(1, -2)));
    expect(Array.from(readFileSync(file))).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    expect(Array.from(readRawTensor(file, "i32", [2, 1]).data)).toEqual([1, -2]);
    expect(Array.from(readRawTensor(file, "i8", [8]).data)).toEqual([1, 0, 0, 0, -2, -1, -1, -1]);
  });

  it("names the file and both sizes when the size is wrong", () => {
    const file = join(dir, "y.bin");
    writeRawTensor(file, new Tensor([3], "f32"));
    expect(() => readRawTensor(file, "f32", [1, 4])).toThrow(FileFormatError);
    expect(() => readRawTensor(file, "f32", [1, 4])).toThrow(/y\.bin: has 12 bytes but a f32 tensor of shape \[1, 4\] needs 16/);
    expect(() => readRawTensor(join(dir, "nope.bin"), "f32", [1])).toThrow(/cannot read/);
  });
});
