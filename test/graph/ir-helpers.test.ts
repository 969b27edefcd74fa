import { describe, expect, it } from "vitest";
import { FileFormatError, ShapeError, UnsupportedError } from "../../src/errors/index.js";
import {
  constantAsFloat32,
  constantAsIndices,
  constantAsInt32,
  constantAsInt8,
  constantAsReal,
  consumersOf,
  denseByteSize,
  optionsOf,
  producersOf,
  readTflite,
  validateGraph,
  type Graph,
} from "../../src/graph/index.js";
import { oneOpGraph, tensor } from "./build.js";
import { modelBytes } from "./models.js";

function le(bytes: number[]): Uint8Array {
  return new Uint8Array(bytes);
}

describe("constant views", () => {
  it("decode little-endian data at any byte offset", () => {
    const backing = new Uint8Array(9);
    backing.set([0x01, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff], 1); // unaligned start
    const t = tensor(0, [2], { dtype: "i32", data: backing.subarray(1) });
    expect(Array.from(constantAsInt32(t))).toEqual([1, -2]);
    const f = tensor(1, [1], { data: le([0x00, 0x00, 0xc0, 0x3f]) });
    expect(Array.from(constantAsFloat32(f))).toEqual([1.5]);
    const q = tensor(2, [3], { dtype: "i8", data: le([0x7f, 0x80, 0xff]) });
    expect(Array.from(constantAsInt8(q))).toEqual([127, -128, -1]);
    const s = tensor(3, [2], { dtype: "i64", data: le([5, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) });
    expect(constantAsIndices(s)).toEqual([5, -1]);
  });

  it("refuse non-constants, wrong types and wrong sizes with typed errors", () => {
    expect(() => constantAsInt8(tensor(0, [2], { dtype: "i8" }))).toThrow(UnsupportedError);
    expect(() => constantAsInt8(tensor(0, [2], { dtype: "i32", data: le([0, 0, 0, 0, 0, 0, 0, 0]) }))).toThrow(/is i32, expected i8/);
    expect(() => constantAsInt32(tensor(0, [2], { dtype: "i32", data: le([0, 0, 0, 0]) }))).toThrow(ShapeError);
  });

  it("dequantize per channel along quantizedDimension (constantAsReal)", () => {
    // shape [2, 3], channels along dimension 1: scales 1, 10, 100; zero points 0, 1, -1
    const t = tensor(0, [2, 3], {
      dtype: "i8",
      data: new Uint8Array(Int8Array.from([1, 2, 3, -1, -2, -3]).buffer),
      quant: { scale: [1, 10, 100], zeroPoint: [0, 1, -1], quantizedDimension: 1 },
    });
    expect(Array.from(constantAsReal(t))).toEqual([1, 10, 400, -1, -30, -200]);
    const perTensor = tensor(1, [2], { dtype: "i32", data: new Uint8Array(Int32Array.from([4, -4]).buffer), quant: { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 } });
    expect(Array.from(constantAsReal(perTensor))).toEqual([2, -2]);
    expect(() => constantAsReal(tensor(2, [1], { dtype: "i8", data: new Uint8Array(1) }))).toThrow(/without quantization parameters/);
  });

  it("size tensors by type, packing int4 two per byte", () => {
    expect(denseByteSize("i8", [1, 96, 96, 3])).toBe(27648);
    expect(denseByteSize("f32", [])).toBe(4);
    expect(denseByteSize("i4", [3])).toBe(2);
    expect(() => denseByteSize("string", [2])).toThrow(UnsupportedError);
  });
});

describe("topology", () => {
  const g = readTflite(modelBytes("kws_ref_model"), "kws_ref_model");

  it("finds each activation's producer and consumers (a chain in DS-CNN)", () => {
    const producer = producersOf(g);
    const consumers = consumersOf(g);
    for (const op of g.ops.slice(1)) {
      const x = op.inputs[0]!;
      expect(producer[x]).toBe(op.index - 1);
      expect(consumers[x]).toEqual([op.index]);
    }
    expect(producer[g.inputs[0]!]).toBe(-1);
  });

  function broken(edit: (g: Graph) => void): Graph {
    const copy = readTflite(modelBytes("kws_ref_model"), "kws_ref_model");
    edit(copy);
    return copy;
  }

  it("rejects ops in an order that reads a tensor before it is produced", () => {
    const swapped = broken((x) => {
      [x.ops[1], x.ops[2]] = [x.ops[2]!, x.ops[1]!];
      x.ops.forEach((op, i) => (op.index = i));
    });
    expect(() => validateGraph(swapped, "k.tflite")).toThrow(FileFormatError);
    expect(() => validateGraph(swapped, "k.tflite")).toThrow(/op 1 \(CONV_2D\) reads tensor \d+ ".*" before any op produces it/);
  });

  it("rejects out-of-range indices, double writes, unproduced outputs and bad constant sizes", () => {
    expect(() => validateGraph(broken((x) => (x.ops[0]!.inputs[0] = 999)))).toThrow(/reads tensor 999, but there are 35 tensors/);
    expect(() => validateGraph(broken((x) => (x.ops[1]!.outputs = x.ops[0]!.outputs)))).toThrow(/which an earlier op already wrote/);
    const orphan = (x: Graph) => {
      x.tensors.push(tensor(x.tensors.length, [1]));
      x.outputs = [x.tensors.length - 1];
    };
    expect(() => validateGraph(broken(orphan))).toThrow(/graph output tensor 35 "t35" is never produced/);
    expect(() => validateGraph(broken((x) => (x.tensors[x.ops[0]!.inputs[1]!]!.shape = [64, 10, 4, 2])))).toThrow(/bytes of data but shape/);
    expect(() => validateGraph(broken((x) => (x.tensors[x.ops[0]!.inputs[1]!]!.quant!.quantizedDimension = 3)))).toThrow(/per-channel scales along dimension 3/);
  });

  it("accepts an optional input marked -1", () => {
    const one = oneOpGraph({ type: "None" }, "FULLY_CONNECTED");
    one.ops[0]!.inputs.push(-1);
    expect(() => validateGraph(one)).not.toThrow();
  });
});

describe("optionsOf", () => {
  it("narrows to the expected table and names the op when it differs", () => {
    const g = readTflite(modelBytes("kws_ref_model"), "kws_ref_model");
    expect(optionsOf(g.ops[0]!, "Conv2DOptions").strideW).toBe(2);
    expect(() => optionsOf(g.ops[0]!, "Pool2DOptions")).toThrow(/op 0 \(CONV_2D\) carries options Conv2DOptions, expected Pool2DOptions/);
  });
});
