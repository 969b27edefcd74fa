/**
 * Per-op parameters, as a union discriminated by `type` (the TFLite options table name).
 * Field names are the camelCase of TFLite's schema fields; `fusedActivation` stands for
 * `fused_activation_function`. Every field is always present (defaults filled in on read),
 * so graphs compare equal whether or not a writer elided default values.
 */
import type { GraphDType } from "./ir.js";

export type Padding = "SAME" | "VALID";
export type FusedActivation = "NONE" | "RELU" | "RELU_N1_TO_1" | "RELU6" | "TANH" | "SIGN_BIT";

export interface Conv2DOptions {
  type: "Conv2DOptions";
  padding: Padding;
  strideW: number;
  strideH: number;
  fusedActivation: FusedActivation;
  dilationWFactor: number;
  dilationHFactor: number;
  /** Bias/accumulator type for int16 convs (version 8+); "f32" (the enum's 0) means unset. */
  quantizedBiasType: GraphDType;
}

export interface DepthwiseConv2DOptions {
  type: "DepthwiseConv2DOptions";
  padding: Padding;
  strideW: number;
  strideH: number;
  depthMultiplier: number;
  fusedActivation: FusedActivation;
  dilationWFactor: number;
  dilationHFactor: number;
}

/** AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D. */
export interface Pool2DOptions {
  type: "Pool2DOptions";
  padding: Padding;
  strideW: number;
  strideH: number;
  filterWidth: number;
  filterHeight: number;
  fusedActivation: FusedActivation;
}

export interface FullyConnectedOptions {
  type: "FullyConnectedOptions";
  fusedActivation: FusedActivation;
  weightsFormat: "DEFAULT" | "SHUFFLED4x16INT8";
  keepNumDims: boolean;
  asymmetricQuantizeInputs: boolean;
  quantizedBiasType: GraphDType;
}

export interface SoftmaxOptions {
  type: "SoftmaxOptions";
  beta: number;
}

export interface ConcatenationOptions {
  type: "ConcatenationOptions";
  axis: number;
  fusedActivation: FusedActivation;
}

export interface AddOptions {
  type: "AddOptions";
  fusedActivation: FusedActivation;
  potScaleInt16: boolean;
}

export interface SubOptions {
  type: "SubOptions";
  fusedActivation: FusedActivation;
  potScaleInt16: boolean;
}

export interface MulOptions {
  type: "MulOptions";
  fusedActivation: FusedActivation;
}

export interface DivOptions {
  type: "DivOptions";
  fusedActivation: FusedActivation;
}

export interface L2NormOptions {
  type: "L2NormOptions";
  fusedActivation: FusedActivation;
}

export interface ReshapeOptions {
  type: "ReshapeOptions";
  /** Empty when the file gives none (the shape then comes from the second input or the output). */
  newShape: number[];
}

/** MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY. */
export interface ReducerOptions {
  type: "ReducerOptions";
  keepDims: boolean;
}

export interface SqueezeOptions {
  type: "SqueezeOptions";
  squeezeDims: number[];
}

export interface StridedSliceOptions {
  type: "StridedSliceOptions";
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

export interface TransposeConvOptions {
  type: "TransposeConvOptions";
  padding: Padding;
  strideW: number;
  strideH: number;
  fusedActivation: FusedActivation;
  quantizedBiasType: GraphDType;
}

export interface LeakyReluOptions {
  type: "LeakyReluOptions";
  alpha: number;
}

export interface GatherOptions {
  type: "GatherOptions";
  axis: number;
  batchDims: number;
}

export interface SplitOptions {
  type: "SplitOptions" | "SplitVOptions";
  numSplits: number;
}

export interface PackOptions {
  type: "PackOptions";
  valuesCount: number;
  axis: number;
}

export interface UnpackOptions {
  type: "UnpackOptions";
  num: number;
  axis: number;
}

export interface CastOptions {
  type: "CastOptions";
  inDataType: GraphDType;
  outDataType: GraphDType;
}

export interface ArgMinMaxOptions {
  type: "ArgMaxOptions" | "ArgMinOptions";
  outputType: GraphDType;
}

export interface ShapeOptions {
  type: "ShapeOptions";
  outType: GraphDType;
}

export interface ResizeOptions {
  type: "ResizeBilinearOptions" | "ResizeNearestNeighborOptions";
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

export interface BlockSizeOptions {
  type: "SpaceToDepthOptions" | "DepthToSpaceOptions";
  blockSize: number;
}

export interface MirrorPadOptions {
  type: "MirrorPadOptions";
  mode: "REFLECT" | "SYMMETRIC";
}

export interface BatchMatMulOptions {
  type: "BatchMatMulOptions";
  adjX: boolean;
  adjY: boolean;
  asymmetricQuantizeInputs: boolean;
}

export interface LocalResponseNormalizationOptions {
  type: "LocalResponseNormalizationOptions";
  radius: number;
  bias: number;
  alpha: number;
  beta: number;
}

export interface GeluOptions {
  type: "GeluOptions";
  approximate: boolean;
}

export interface FakeQuantOptions {
  type: "FakeQuantOptions";
  min: number;
  max: number;
  numBits: number;
  narrowRange: boolean;
}

/** Options tables that carry no fields; kept so the writer emits the same table. */
export const EMPTY_OPTION_TABLES = [
  "PadOptions",
  "PadV2Options",
  "DequantizeOptions",
  "QuantizeOptions",
  "HardSwishOptions",
  "TransposeOptions",
  "ExpOptions",
  "MaximumMinimumOptions",
  "LogSoftmaxOptions",
  "SliceOptions",
  "ExpandDimsOptions",
  "TileOptions",
  "NegOptions",
  "AbsOptions",
  "SquareOptions",
  "SquaredDifferenceOptions",
  "LessOptions",
  "LessEqualOptions",
  "GreaterOptions",
  "GreaterEqualOptions",
  "EqualOptions",
  "NotEqualOptions",
  "SelectOptions",
  "SelectV2Options",
  "PowOptions",
  "ZerosLikeOptions",
  "FillOptions",
  "FloorDivOptions",
  "FloorModOptions",
  "CosOptions",
  "RankOptions",
  "BatchToSpaceNDOptions",
  "SpaceToBatchNDOptions",
  "RangeOptions",
  "AddNOptions",
  "GatherNdOptions",
  "WhereOptions",
  "ReverseV2Options",
  "BroadcastToOptions",
  "LogicalOrOptions",
  "LogicalAndOptions",
  "LogicalNotOptions",
  "TopKV2Options",
  "MatrixDiagOptions",
  "MatrixSetDiagOptions",
  "ScatterNdOptions",
  "DensifyOptions",
  "SegmentSumOptions",
  "NonMaxSuppressionV4Options",
  "NonMaxSuppressionV5Options",
  "Rfft2dOptions",
  "HashtableFindOptions",
  "HashtableImportOptions",
  "HashtableSizeOptions",
  "ReadVariableOptions",
  "AssignVariableOptions",
  "DynamicUpdateSliceOptions",
  "UnsortedSegmentProdOptions",
  "UnsortedSegmentMaxOptions",
  "UnsortedSegmentMinOptions",
  "UnsortedSegmentSumOptions",
  "ATan2Options",
  "SignOptions",
  "BitcastOptions",
  "BitwiseXorOptions",
  "RightShiftOptions",
] as const;

export interface EmptyOptions {
  type: (typeof EMPTY_OPTION_TABLES)[number];
}

/**
 * Options tables of ops the engine does not run (recurrent cells, control flow, lookups) that the
 * reader and writer still carry field by field, so such models round-trip unchanged.
 */
export const GENERIC_OPTION_TABLES = [
  "SVDFOptions",
  "RNNOptions",
  "SequenceRNNOptions",
  "BidirectionalSequenceRNNOptions",
  "LSTMOptions",
  "UnidirectionalSequenceLSTMOptions",
  "BidirectionalSequenceLSTMOptions",
  "CallOptions",
  "IfOptions",
  "WhileOptions",
  "CallOnceOptions",
  "OneHotOptions",
  "CumsumOptions",
  "ReverseSequenceOptions",
  "UniqueOptions",
  "LSHProjectionOptions",
  "SkipGramOptions",
  "EmbeddingLookupSparseOptions",
  "SparseToDenseOptions",
  "Conv3DOptions",
  "BucketizeOptions",
  "HashtableOptions",
  "ConcatEmbeddingsOptions",
] as const;

export type OptionValue = number | boolean | string | number[];

/** Fields named as in the schema, camelCased (fused_activation_function -> fusedActivation). */
export interface GenericOptions {
  type: (typeof GENERIC_OPTION_TABLES)[number];
  [field: string]: OptionValue;
}

/** The op has no options table (e.g. RELU, LOGISTIC, many DEQUANTIZE in older files). */
export interface NoOptions {
  type: "None";
}

/**
 * An options table this IR does not model. The reader keeps it so `inspect` can show the op;
 * the writer refuses it, since it cannot re-encode fields it does not know.
 */
export interface UnknownOptions {
  type: "Unknown";
  /** TFLite table name when known, else "BuiltinOptions#<n>". */
  table: string;
}

export type OpOptions =
  | Conv2DOptions
  | DepthwiseConv2DOptions
  | Pool2DOptions
  | FullyConnectedOptions
  | SoftmaxOptions
  | ConcatenationOptions
  | AddOptions
  | SubOptions
  | MulOptions
  | DivOptions
  | L2NormOptions
  | ReshapeOptions
  | ReducerOptions
  | SqueezeOptions
  | StridedSliceOptions
  | TransposeConvOptions
  | LeakyReluOptions
  | GatherOptions
  | SplitOptions
  | PackOptions
  | UnpackOptions
  | CastOptions
  | ArgMinMaxOptions
  | ShapeOptions
  | ResizeOptions
  | BlockSizeOptions
  | MirrorPadOptions
  | BatchMatMulOptions
  | LocalResponseNormalizationOptions
  | GeluOptions
  | FakeQuantOptions
  | EmptyOptions
  | GenericOptions
  | NoOptions
  | UnknownOptions;

export type OptionsType = OpOptions["type"];
