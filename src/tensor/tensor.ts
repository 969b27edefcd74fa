import { ShapeError } from "../errors/index.js";
import { allocate, dtypeOf, type AnyTypedArray, type DType, type TypedArrayFor } from "./dtype.js";
import { formatShape, sizeOf, type Shape } from "./shape.js";

/**
 * A dense row-major tensor. Image tensors are NHWC; conv weights are OHWI, depthwise weights 1HWO
 * (TFLite's orders). The data array is owned by the tensor; views share it (reshape).
 */
export class Tensor<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly data: TypedArrayFor<D>;

  constructor(shape: Shape, dtype: D, data?: TypedArrayFor<D>) {
    const size = sizeOf(shape);
    if (data !== undefined && data.length !== size) {
      throw new ShapeError(
        `tensor data has ${data.length} elements but shape ${formatShape(shape)} needs ${size}`,
        "pass data whose length is the product of the shape",
      );
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.data = data ?? allocate(dtype, size);
  }

  static fromArray<A extends AnyTypedArray>(shape: Shape, data: A): Tensor {
    return new Tensor(shape, dtypeOf(data), data as never);
  }

  static zeros(shape: Shape, dtype: DType = "f32"): Tensor {
    return new Tensor(shape, dtype);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Bytes of element storage (what memory accounting counts). */
  get byteLength(): number {
    return this.data.byteLength;
  }

  /** Same data, new shape (one dimension may be -1). */
  reshape(shape: Shape): Tensor<D> {
    const known = shape.filter((d) => d !== -1);
    const knownSize = sizeOf(known);
    const resolved = shape.map((d) => (d === -1 ? this.size / knownSize : d));
    if (sizeOf(resolved) !== this.size || !resolved.every(Number.isInteger)) {
      throw new ShapeError(
        `cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)}`,
        "the new shape must have the same number of elements",
      );
    }
    return new Tensor(resolved, this.dtype, this.data);
  }

  clone(): Tensor<D> {
    return new Tensor(this.shape, this.dtype, this.data.slice() as TypedArrayFor<D>);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)})`;
  }
}
