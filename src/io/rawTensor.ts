/** Raw tensors on the command line: little-endian element bytes in the tensor's dtype, no header (`x.bin`). */
import { readFileSync } from "node:fs";
import { FileFormatError } from "../errors/index.js";
import { Tensor, bytesPerElement, formatShape, sizeOf, type DType, type Shape } from "../tensor/index.js";
import { writeFileAtomic } from "./atomicWrite.js";

/** Read `file` as a tensor of `shape` and `dtype`; its size must match exactly. */
export function readRawTensor(file: string, dtype: DType, shape: Shape): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FileFormatError(file, `cannot read: ${(err as Error).message}`, "check the path and the file's permissions");
  }
  const expected = sizeOf(shape) * bytesPerElement(dtype);
  if (bytes.length !== expected) {
    throw new FileFormatError(
      file,
      `has ${bytes.length} bytes but a ${dtype} tensor of shape ${formatShape(shape)} needs ${expected}`,
      "write the input as raw little-endian values of the model's input dtype and shape (or use a .npy file)",
    );
  }
  const aligned = new Uint8Array(bytes).buffer; // an aligned copy (Buffer.slice would be a view)
  switch (dtype) {
    case "f32":
      return new Tensor(shape, "f32", new Float32Array(aligned));
    case "i8":
      return new Tensor(shape, "i8", new Int8Array(aligned));
    case "i32":
      return new Tensor(shape, "i32", new Int32Array(aligned));
  }
}

export function writeRawTensor(file: string, tensor: Tensor): void {
  writeFileAtomic(file, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.byteLength));
}
