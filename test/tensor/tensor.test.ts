import { describe, expect, it } from "vitest";
import { ShapeError } from "../../src/errors/index.js";
import { broadcastShapes, sizeOf, stridesOf, Tensor } from "../../src/tensor/index.js";

describe("shapes", () => {
  it("computes sizes and NHWC row-major strides", () => {
    expect(sizeOf([2, 3, 4, 5])).toBe(120);
    expect(stridesOf([2, 3, 4, 5])).toEqual([60, 20, 5, 1]);
  });

  it("broadcasts like NumPy and names both shapes when it cannot", () => {
    expect(broadcastShapes([8, 1, 3], [4, 1])).toEqual([8, 4, 3]);
    expect(broadcastShapes([3], [2, 1])).toEqual([2, 3]);
    expect(() => broadcastShapes([2, 3], [4, 3], "add")).toThrow(ShapeError);
    expect(() => broadcastShapes([2, 3], [4, 3], "add")).toThrow(/\[2, 3\] and \[4, 3\]/);
  });
});

describe("Tensor", () => {
  it("allocates by dtype and checks data length", () => {
    expect(Tensor.zeros([2, 2], "i8").data).toBeInstanceOf(Int8Array);
    expect(new Tensor([3], "i32").byteLength).toBe(12);
    expect(() => new Tensor([2, 2], "f32", new Float32Array(3))).toThrow(ShapeError);
  });

  it("reshapes as a view, resolving one -1, and refuses a wrong element count", () => {
    const t = new Tensor([2, 6], "f32");
    const r = t.reshape([3, -1]);
    expect(r.shape).toEqual([3, 4]);
    expect(r.data).toBe(t.data);
    expect(() => t.reshape([5, -1])).toThrow(/cannot reshape \[2, 6\]/);
  });
});
