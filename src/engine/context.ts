/** What a kernel's prepare sees: its op, its tensors, and decoders for constants, all with errors that name the op. */
import { FileFormatError, UnsupportedError } from "../errors/index.js";
import {
  constantAsFloat32,
  constantAsIndices,
  constantAsInt32,
  constantAsInt8,
  inputOf,
  optionsOf,
  outputOf,
  requireInput,
  type Graph,
  type GraphOp,
  type GraphTensor,
  type OpOptions,
} from "../graph/index.js";
import { isPackedInt, weightsAsInt8 } from "./packed-constants.js";

export class PrepareContext {
  constructor(
    readonly graph: Graph,
    readonly op: GraphOp,
    readonly source: string,
  ) {}

  /** "op 3 (CONV_2D)" — the prefix of every message about this op. */
  get where(): string {
    return `op ${this.op.index} (${this.op.kind})`;
  }

  input(i: number): GraphTensor {
    return requireInput(this.graph, this.op, i, this.source);
  }

  optionalInput(i: number): GraphTensor | undefined {
    return inputOf(this.graph, this.op, i);
  }

  output(i = 0): GraphTensor {
    return outputOf(this.graph, this.op, i, this.source);
  }

  options<T extends OpOptions["type"]>(type: T): Extract<OpOptions, { type: T }> {
    return optionsOf(this.op, type, this.source);
  }

  /** Options of the given table, or undefined when the op carries none (older files omit some). */
  optionsOrNone<T extends OpOptions["type"]>(type: T): Extract<OpOptions, { type: T }> | undefined {
    return this.op.options.type === "None" ? undefined : this.options(type);
  }

  /** Throws unless the tensor has the wanted element type. */
  expectDType(t: GraphTensor, role: string, ...want: string[]): void {
    if (!want.includes(t.dtype)) {
      throw new UnsupportedError(
        `${this.where}: ${role} tensor ${t.index} "${t.name}" is ${t.dtype}, expected ${want.join(" or ")}`,
        "the engine runs int8 models (int8 activations, int8 weights, int32 bias) and float32 models",
      );
    }
  }

  /** Float activations with int8 weights (TFLite "hybrid" quantization): TFLite Micro refuses these too. */
  rejectHybrid(input: GraphTensor, weights: GraphTensor): void {
    if (input.dtype === "f32" && (weights.dtype === "i8" || weights.dtype === "u8")) {
      throw new UnsupportedError(
        `${this.where}: hybrid quantization (float32 input, ${weights.dtype} weights in tensor ${weights.index} "${weights.name}") is not supported`,
        "quantize the model fully to int8 (weights and activations), or run its float32 version",
      );
    }
  }

  expectInputCount(min: number, max = min): void {
    const n = this.op.inputs.length;
    if (n < min || n > max) {
      throw new FileFormatError(this.source, `${this.where} has ${n} inputs, expected ${min === max ? min : `${min} to ${max}`}`, "the model is malformed; re-export it");
    }
  }

  /** int8 values of a constant; packed INT4/INT2 weights come back unpacked. */
  constantInt8(t: GraphTensor): Int8Array {
    return isPackedInt(t.dtype) ? weightsAsInt8(t) : constantAsInt8(t);
  }

  constantInt32(t: GraphTensor): Int32Array {
    return constantAsInt32(t);
  }

  constantFloat32(t: GraphTensor): Float32Array {
    return constantAsFloat32(t);
  }

  constantIndices(t: GraphTensor): number[] {
    return constantAsIndices(t);
  }

  /** An op parameter that must be a constant tensor (weights, paddings, axes). */
  requireConstant(t: GraphTensor, role: string): void {
    if (!t.data) {
      throw new UnsupportedError(`${this.where}: the ${role} tensor ${t.index} "${t.name}" is not a constant`, "the engine needs this input baked into the model");
    }
  }

  /**
   * Inputs 0..2 of a conv-like op (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED): the activation, constant weights
   * and an optional constant bias (int32 for int8 ops), all of the op's dtype; the output too.
   */
  weightedOpInputs(dtype: "i8" | "f32", weightsRole: string): { input: GraphTensor; weights: GraphTensor; bias: GraphTensor | undefined } {
    this.expectInputCount(2, 3);
    const input = this.input(0);
    const weights = this.input(1);
    const bias = this.optionalInput(2);
    this.rejectHybrid(input, weights);
    this.expectDType(input, "input", dtype);
    // int8 ops also take weights packed as INT4/INT2 (unpacked once at prepare, see packed-constants.ts).
    if (dtype === "i8") this.expectDType(weights, weightsRole, "i8", "i4", "i2");
    else this.expectDType(weights, weightsRole, dtype);
    this.requireConstant(weights, weightsRole);
    if (bias) {
      this.expectDType(bias, "bias", dtype === "i8" ? "i32" : "f32");
      this.requireConstant(bias, "bias");
    }
    this.expectDType(this.output(), "output", dtype);
    return { input, weights, bias };
  }
}
