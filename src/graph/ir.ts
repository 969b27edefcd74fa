/**
 * The deployment IR: one dataflow graph of tensors and ops, close to a TFLite subgraph so that
 * reading and writing `.tflite` is lossless for what we support. Plain data, no methods: the
 * engine, planner, C generator and exporters all walk the same structure.
 */
import type { OpOptions } from "./options.js";

/** Element types a graph tensor can have (TFLite's TensorType enum, named like our tensor layer). */
export type GraphDType =
  | "f32"
  | "f16"
  | "f64"
  | "i4"
  | "i2"
  | "i8"
  | "u8"
  | "i16"
  | "u16"
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "bool"
  | "string"
  | "complex64"
  | "complex128"
  | "resource"
  | "variant";

/**
 * Affine quantization: real = scale * (q - zeroPoint). Per-tensor when `scale` has length 1,
 * per-channel along `quantizedDimension` otherwise.
 */
export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  /** Calibration range, kept only so a round trip preserves it. */
  min?: number[];
  max?: number[];
}

export interface GraphTensor {
  /** Position in `Graph.tensors`; ops refer to tensors by this index. */
  index: number;
  name: string;
  shape: number[];
  /** Shape with -1 for dimensions unknown at conversion time (TFLite `shape_signature`). */
  shapeSignature?: number[];
  dtype: GraphDType;
  quant?: QuantParams;
  /** Constant contents: raw little-endian bytes, row-major. Absent for activations and inputs. */
  data?: Uint8Array;
  /** A variable tensor (state kept across invocations, e.g. RNN state). */
  isVariable?: boolean;
}

export interface GraphOp {
  /** Position in `Graph.ops`, which is execution order. */
  index: number;
  /** TFLite BuiltinOperator name, e.g. "CONV_2D"; "CUSTOM" for custom ops (see `customCode`). */
  kind: string;
  /** Operator version (TFLite OperatorCode.version). */
  version: number;
  /** Tensor indices; -1 marks an optional input that is absent. */
  inputs: number[];
  outputs: number[];
  /** Internal tensors some ops carry (e.g. LSTM); usually empty. */
  intermediates?: number[];
  options: OpOptions;
  /** For kind "CUSTOM": the registered name and its opaque (usually flexbuffer) options. */
  customCode?: string;
  customOptions?: Uint8Array;
}

/** A named blob attached to the model (TFLite Model.metadata, e.g. "min_runtime_version"). */
export interface GraphMetadata {
  name: string;
  data: Uint8Array;
}

/** A named entry point (TFLite SignatureDef): aliases for input/output tensors. */
export interface GraphSignature {
  key: string;
  inputs: { name: string; tensor: number }[];
  outputs: { name: string; tensor: number }[];
}

export interface Graph {
  tensors: GraphTensor[];
  /** In execution order. */
  ops: GraphOp[];
  inputs: number[];
  outputs: number[];
  /** Subgraph name (often "main"). */
  name?: string;
  /** Model description (TFLite puts the converter's name here). */
  description?: string;
  /** Schema version of the file the graph came from; we write 3. */
  version: number;
  metadata: GraphMetadata[];
  signatures: GraphSignature[];
}
