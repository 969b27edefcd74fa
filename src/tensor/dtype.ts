/** The element types dietml stores. f32 for training and float models, i8/i32 for quantized ones. */
export type DType = "f32" | "i8" | "i32";

export type TypedArrayFor<D extends DType> = D extends "f32"
  ? Float32Array
  : D extends "i8"
    ? Int8Array
    : Int32Array;

export type AnyTypedArray = Float32Array | Int8Array | Int32Array;

export function bytesPerElement(dtype: DType): number {
  return dtype === "i8" ? 1 : 4;
}

export function allocate<D extends DType>(dtype: D, size: number): TypedArrayFor<D> {
  switch (dtype) {
    case "f32":
      return new Float32Array(size) as TypedArrayFor<D>;
    case "i8":
      return new Int8Array(size) as TypedArrayFor<D>;
    case "i32":
      return new Int32Array(size) as TypedArrayFor<D>;
  }
  throw new Error(`unknown dtype ${String(dtype)}`);
}

export function dtypeOf(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return "f32";
  if (data instanceof Int8Array) return "i8";
  return "i32";
}
