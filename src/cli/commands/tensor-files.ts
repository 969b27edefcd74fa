/**
 * Model inputs and outputs as files on the command line (for `run` and `compare`): raw little-endian bytes
 * in the tensor's dtype (`x.bin`), or `.npy`. Sizes are checked against the model's tensor so that a wrong
 * file is a typed error naming the expected and given bytes and shape, never garbage results.
 */
import { readFileSync } from "node:fs";
import { FileFormatError, UnsupportedError } from "../../errors/index.js";
import { denseByteSize, elementCount, type GraphTensor } from "../../graph/index.js";
import { decodeNpy, writeNpy, writeRawTensor } from "../../io/index.js";
import { Tensor, type DType } from "../../tensor/index.js";

export type ModelArray = Float32Array | Int8Array | Int32Array;

const ENGINE_DTYPES: readonly string[] = ["f32", "i8", "i32"];

function engineDType(tensor: GraphTensor): DType {
  if (!ENGINE_DTYPES.includes(tensor.dtype)) {
    throw new UnsupportedError(
      `tensor ${tensor.index} "${tensor.name}" has type ${tensor.dtype}; only f32, i8 and i32 tensors can be read or written`,
      "use a float32 or int8 model",
    );
  }
  return tensor.dtype as DType;
}

function describe(tensor: GraphTensor): string {
  return `${tensor.dtype} [${tensor.shape.join(", ")}]`;
}

function isNpy(path: string): boolean {
  return path.toLowerCase().endsWith(".npy");
}

/** Reads the file for model input `tensor`: `.npy` by extension, raw little-endian bytes otherwise. */
export function readModelInput(path: string, tensor: GraphTensor): ModelArray {
  const dtype = engineDType(tensor);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new FileFormatError(path, `cannot read the input: ${(cause as Error).message}`, "check the path of --input");
  }
  return isNpy(path) ? fromNpy(path, bytes, tensor, dtype) : fromRaw(path, bytes, tensor, dtype);
}

function fromRaw(path: string, bytes: Uint8Array, tensor: GraphTensor, dtype: DType): ModelArray {
  const expected = denseByteSize(tensor.dtype, tensor.shape);
  if (bytes.byteLength !== expected) {
    throw new FileFormatError(
      path,
      `has ${bytes.byteLength} bytes but input "${tensor.name}" (${describe(tensor)}) takes ${expected} bytes`,
      `write exactly ${elementCount(tensor.shape)} little-endian ${tensor.dtype} values (or a .npy file of that shape)`,
    );
  }
  const aligned = bytes.slice().buffer;
  if (dtype === "f32") return new Float32Array(aligned);
  if (dtype === "i8") return new Int8Array(aligned);
  return new Int32Array(aligned);
}

function fromNpy(path: string, bytes: Uint8Array, tensor: GraphTensor, dtype: DType): ModelArray {
  const t = decodeNpy(bytes, path);
  const want = elementCount(tensor.shape);
  if (t.size !== want) {
    throw new FileFormatError(
      path,
      `holds ${t.size} values of shape [${t.shape.join(", ")}] but input "${tensor.name}" (${describe(tensor)}) takes ${want}`,
      "save an array with the input's shape (a leading batch dimension of 1 may be left out)",
    );
  }
  if (dtype === "f32") {
    if (t.dtype !== "f32") throw npyDTypeError(path, t, tensor);
    return Float32Array.from(t.data as Float32Array);
  }
  // .npy integers arrive as i32; accept them when every value fits the input's type.
  if (t.dtype === "f32") throw npyDTypeError(path, t, tensor);
  if (dtype === "i32") return Int32Array.from(t.data as ArrayLike<number>);
  const data = t.data as ArrayLike<number>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -128 || v > 127) {
      throw new FileFormatError(path, `value ${v} at flat index ${i} does not fit input "${tensor.name}" (int8)`, "save int8 values (numpy dtype int8)");
    }
  }
  return Int8Array.from(data);
}

function npyDTypeError(path: string, t: Tensor, tensor: GraphTensor): FileFormatError {
  return new FileFormatError(
    path,
    `holds ${t.dtype} values but input "${tensor.name}" is ${tensor.dtype}`,
    tensor.dtype === "i8"
      ? "quantize the input first (q = round(x / scale) + zero_point, see `dietml inspect`) and save it as int8"
      : `save the array as ${tensor.dtype === "f32" ? "float32" : tensor.dtype}`,
  );
}

/** Writes output `tensor`'s values: `.npy` (with the tensor's shape) by extension, raw bytes otherwise. */
export function writeModelOutput(path: string, tensor: GraphTensor, values: ModelArray): void {
  const t = new Tensor(tensor.shape, engineDType(tensor), values);
  if (isNpy(path)) writeNpy(path, t);
  else writeRawTensor(path, t);
}
