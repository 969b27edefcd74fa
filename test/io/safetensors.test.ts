import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError, UnsupportedError } from "../../src/errors/index.js";
import { decodeSafetensors, encodeSafetensors, entryToTensor, readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { Tensor } from "../../src/tensor/index.js";

/** Assemble a file by hand from a header object and a data section, as the format's spec describes it. */
function handMade(header: unknown, data: number[] | Uint8Array, declaredLength?: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe(".safetensors", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-st-"));

  it("reads a file assembled by hand from the spec", () => {
    const f32 = new Uint8Array(Float32Array.of(1.5, -2).buffer);
    const bytes = handMade(
      { __metadata__: { epoch: "3" }, w: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, q: { dtype: "I8", shape: [1, 3], data_offsets: [8, 11] } },
      [...f32, 0xff, 0x00, 0x7f],
    );
    const contents = decodeSafetensors(bytes, "hand.safetensors");
    expect(contents.metadata).toEqual({ epoch: "3" });
    expect([...contents.tensors.keys()]).toEqual(["w", "q"]);
    expect(Array.from(entryToTensor(contents.tensors.get("w")!, "w", "f").data)).toEqual([1.5, -2]);
    const q = entryToTensor(contents.tensors.get("q")!, "q", "f");
    expect([q.dtype, q.shape, Array.from(q.data)]).toEqual(["i8", [1, 3], [-1, 0, 127]]);
  });

  it("writes the layout of the spec: u64 LE header length, JSON, 8-aligned data", () => {
    const bytes = encodeSafetensors([["a", new Tensor([3], "i32", Int32Array.of(1, 2, 3))]], { note: "x" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
    expect(header).toEqual({ __metadata__: { note: "x" }, a: { dtype: "I32", shape: [3], data_offsets: [0, 12] } });
    expect(Array.from(new Int32Array(bytes.slice(8 + n).buffer))).toEqual([1, 2, 3]);
  });

  it("round-trips through an atomic write and leaves no temp file", () => {
    const file = join(dir, "model.safetensors");
    const tensors: [string, Tensor][] = [
      ["conv.weight", new Tensor([2, 3, 3, 1], "f32", Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)))],
      ["empty", new Tensor([0, 4], "f32")],
      ["count", new Tensor([1], "i32", Int32Array.of(42))],
    ];
    writeSafetensors(file, tensors, { epoch: "1", rng: "[1,2,3,4]" });
    writeSafetensors(file, tensors, { epoch: "2" }); // overwrite in place
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
    const back = readSafetensors(file);
    expect(back.metadata).toEqual({ epoch: "2" });
    for (const [name, t] of tensors) {
      const r = entryToTensor(back.tensors.get(name)!, name, file);
      expect(r.shape).toEqual(t.shape);
      expect(Array.from(r.data)).toEqual(Array.from(t.data));
    }
  });

  const f8 = [0, 0, 0, 0, 0, 0, 0, 0];
  const corrupt: [string, Uint8Array, RegExp][] = [
    ["too short", Uint8Array.of(1, 2, 3), /too short/],
    ["header length past the end", handMade({}, [], 1000), /exceeds the file size/],
    ["bad JSON", (() => { const b = handMade({ a: 1 }, []); b[9] = 0x7b; b[10] = 0x2c; return b; })(), /not valid JSON/],
    ["a JSON array", handMade([1, 2], []), /not a JSON object/],
    ["unknown dtype", handMade({ w: { dtype: "F31", shape: [2], data_offsets: [0, 8] } }, f8), /unknown dtype "F31"/],
    ["negative shape", handMade({ w: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, f8), /shape \[-2\]/],
    ["offsets out of range", handMade({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, f8), /out of range/],
    ["offsets reversed", handMade({ w: { dtype: "I8", shape: [0], data_offsets: [8, 0] } }, f8), /out of range/],
    ["size mismatch", handMade({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f8), /needs 12 bytes, data_offsets span 8/],
    [
      "overlapping tensors",
      handMade({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f8),
      /overlap/,
    ],
    ["a gap", handMade({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f8), /gap of 4 bytes/],
    ["trailing bytes", handMade({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f8), /4 bytes after the last tensor/],
    ["non-string metadata", handMade({ __metadata__: { epoch: 3 } }, []), /value for "epoch" is not a string/],
  ];
  for (const [what, bytes, message] of corrupt) {
    it(`rejects ${what} with a FileFormatError naming the file`, () => {
      const file = join(dir, "bad.safetensors");
      writeFileSync(file, bytes);
      expect(() => readSafetensors(file)).toThrow(FileFormatError);
      expect(() => readSafetensors(file)).toThrow(message);
      expect(() => readSafetensors(file)).toThrow(file);
    });
  }

  it("rejects a truncated real file", () => {
    const file = join(dir, "cut.safetensors");
    const good = encodeSafetensors([["w", new Tensor([10], "f32")]]);
    writeFileSync(file, good.subarray(0, good.length - 1));
    expect(() => readSafetensors(file)).toThrow(/out of range/);
  });

  it("refuses to turn dtypes dietml does not compute with into tensors", () => {
    const contents = decodeSafetensors(handMade({ h: { dtype: "F16", shape: [4], data_offsets: [0, 8] } }, f8), "h.safetensors");
    expect(() => entryToTensor(contents.tensors.get("h")!, "h", "h.safetensors")).toThrow(UnsupportedError);
  });

  it("reports an unwritable destination as a typed error", () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "x");
    expect(() => writeSafetensors(join(blocker, "m.safetensors"), [])).toThrow(FileFormatError);
    expect(existsSync(join(dir, "m.safetensors"))).toBe(false);
    expect(readFileSync(blocker, "utf8")).toBe("x");
  });
});
