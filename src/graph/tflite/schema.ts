/**
 * Facts from TFLite's published schema (tensorflow/lite/schema/schema.fbs): enum values, the
 * BuiltinOptions union order, and the field slots of each table we read or write. A field's slot
 * is its position in the table declaration (a union takes two slots: type, then value).
 */
import type { GraphDType } from "../ir.js";
import type { FusedActivation, Padding } from "../options.js";

export const FILE_IDENTIFIER = "TFL3";
export const SCHEMA_VERSION = 3;

/** BuiltinOperator names by code, 0..205 (contiguous in the schema). */
const OPERATOR_NAMES = (
  "ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP " +
  "FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC " +
  "LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX " +
  "SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD " +
  "UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE " +
  "UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX " +
  "DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER " +
  "GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL " +
  "NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR " +
  "ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL " +
  "FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE " +
  "CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE " +
  "MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND " +
  "SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE " +
  "BROADCAST_TO RFFT2D CONV_3D IMAG REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT " +
  "HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS " +
  "RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 " +
  "UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN " +
  "BITCAST BITWISE_XOR RIGHT_SHIFT STABLEHLO_LOGISTIC STABLEHLO_ADD STABLEHLO_DIVIDE STABLEHLO_MULTIPLY " +
  "STABLEHLO_MAXIMUM STABLEHLO_RESHAPE STABLEHLO_CLAMP STABLEHLO_CONCATENATE STABLEHLO_BROADCAST_IN_DIM " +
  "STABLEHLO_CONVOLUTION STABLEHLO_SLICE STABLEHLO_CUSTOM_CALL STABLEHLO_REDUCE STABLEHLO_ABS " +
  "STABLEHLO_AND STABLEHLO_COSINE STABLEHLO_EXPONENTIAL STABLEHLO_FLOOR STABLEHLO_LOG STABLEHLO_MINIMUM " +
  "STABLEHLO_NEGATE STABLEHLO_OR STABLEHLO_POWER STABLEHLO_REMAINDER STABLEHLO_RSQRT STABLEHLO_SELECT " +
  "STABLEHLO_SUBTRACT STABLEHLO_TANH STABLEHLO_SCATTER STABLEHLO_COMPARE STABLEHLO_CONVERT " +
  "STABLEHLO_DYNAMIC_SLICE STABLEHLO_DYNAMIC_UPDATE_SLICE STABLEHLO_PAD STABLEHLO_IOTA " +
  "STABLEHLO_DOT_GENERAL STABLEHLO_REDUCE_WINDOW STABLEHLO_SORT STABLEHLO_WHILE STABLEHLO_GATHER " +
  "STABLEHLO_TRANSPOSE DILATE STABLEHLO_RNG_BIT_GENERATOR REDUCE_WINDOW"
).split(" ");

const EXTRA_OPERATORS: Record<number, string> = { 225: "TEMP_STREAMING_CONV_2D" };
const UNNAMED_PREFIX = "BUILTIN_OPERATOR_";

/** The op kind name for a builtin code; codes the schema does not name get "BUILTIN_OPERATOR_<n>". */
export function operatorName(code: number): string {
  return OPERATOR_NAMES[code] ?? EXTRA_OPERATORS[code] ?? `${UNNAMED_PREFIX}${code}`;
}

/** The builtin code for an op kind, or undefined if the kind is not a TFLite builtin name. */
export function operatorCode(kind: string): number | undefined {
  const i = OPERATOR_NAMES.indexOf(kind);
  if (i >= 0) return i;
  for (const [code, name] of Object.entries(EXTRA_OPERATORS)) if (name === kind) return Number(code);
  if (kind.startsWith(UNNAMED_PREFIX)) {
    const n = Number(kind.slice(UNNAMED_PREFIX.length));
    if (Number.isInteger(n) && n >= 0 && n <= 0x7fffffff) return n;
  }
  return undefined;
}

export const CUSTOM_OPERATOR_CODE = 32;
/** Codes above this live only in OperatorCode.builtin_code; deprecated_builtin_code holds this. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** TensorType enum, by value (18 is BFLOAT16, which dietml does not read; INT2 = 19 in current schemas). */
const TENSOR_TYPES: (GraphDType | undefined)[] = [
  "f32", "f16", "i32", "u8", "i64", "string", "bool", "i16", "complex64", "i8", "f64", "complex128",
  "u64", "resource", "variant", "u32", "u16", "i4", undefined, "i2",
];

export function dtypeFromTensorType(value: number): GraphDType | undefined {
  return TENSOR_TYPES[value];
}

export function tensorTypeOf(dtype: GraphDType): number {
  return TENSOR_TYPES.indexOf(dtype);
}

export const PADDINGS: Padding[] = ["SAME", "VALID"];
export const ACTIVATIONS: FusedActivation[] = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"];

/** BuiltinOptions union members in declaration order; the union type value is position + 1. */
export const BUILTIN_OPTIONS = (
  "Conv2DOptions DepthwiseConv2DOptions ConcatEmbeddingsOptions LSHProjectionOptions Pool2DOptions " +
  "SVDFOptions RNNOptions FullyConnectedOptions SoftmaxOptions ConcatenationOptions AddOptions " +
  "L2NormOptions LocalResponseNormalizationOptions LSTMOptions ResizeBilinearOptions CallOptions " +
  "ReshapeOptions SkipGramOptions SpaceToDepthOptions EmbeddingLookupSparseOptions MulOptions PadOptions " +
  "GatherOptions BatchToSpaceNDOptions SpaceToBatchNDOptions TransposeOptions ReducerOptions SubOptions " +
  "DivOptions SqueezeOptions SequenceRNNOptions StridedSliceOptions ExpOptions TopKV2Options SplitOptions " +
  "LogSoftmaxOptions CastOptions DequantizeOptions MaximumMinimumOptions ArgMaxOptions LessOptions " +
  "NegOptions PadV2Options GreaterOptions GreaterEqualOptions LessEqualOptions SelectOptions SliceOptions " +
  "TransposeConvOptions SparseToDenseOptions TileOptions ExpandDimsOptions EqualOptions NotEqualOptions " +
  "ShapeOptions PowOptions ArgMinOptions FakeQuantOptions PackOptions LogicalOrOptions OneHotOptions " +
  "LogicalAndOptions LogicalNotOptions UnpackOptions FloorDivOptions SquareOptions ZerosLikeOptions " +
  "FillOptions BidirectionalSequenceLSTMOptions BidirectionalSequenceRNNOptions " +
  "UnidirectionalSequenceLSTMOptions FloorModOptions RangeOptions ResizeNearestNeighborOptions " +
  "LeakyReluOptions SquaredDifferenceOptions MirrorPadOptions AbsOptions SplitVOptions UniqueOptions " +
  "ReverseV2Options AddNOptions GatherNdOptions CosOptions WhereOptions RankOptions " +
  "ReverseSequenceOptions MatrixDiagOptions QuantizeOptions MatrixSetDiagOptions HardSwishOptions " +
  "IfOptions WhileOptions DepthToSpaceOptions NonMaxSuppressionV4Options NonMaxSuppressionV5Options " +
  "ScatterNdOptions SelectV2Options DensifyOptions SegmentSumOptions BatchMatMulOptions CumsumOptions " +
  "CallOnceOptions BroadcastToOptions Rfft2dOptions Conv3DOptions HashtableOptions HashtableFindOptions " +
  "HashtableImportOptions HashtableSizeOptions VarHandleOptions ReadVariableOptions AssignVariableOptions " +
  "RandomOptions BucketizeOptions GeluOptions DynamicUpdateSliceOptions UnsortedSegmentProdOptions " +
  "UnsortedSegmentMaxOptions UnsortedSegmentMinOptions UnsortedSegmentSumOptions ATan2Options SignOptions " +
  "BitcastOptions BitwiseXorOptions RightShiftOptions"
).split(" ");

/** The kinds of option fields we encode. Enums are stored as one signed byte. */
export type FieldKind = "int" | "bool" | "float" | "padding" | "activation" | "tensorType" | "int[]" | "float[]" | `enum(${string})`;

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  defaultValue: number | boolean | string;
}

/**
 * Field layouts of the options tables the IR models, written "key:kind[=default]" in slot order;
 * "-" marks a deprecated slot. Keys match the interfaces in ../options.ts.
 */
const OPTION_LAYOUTS: Record<string, string[]> = {
  Conv2DOptions: ["padding:padding", "strideW:int", "strideH:int", "fusedActivation:activation",
    "dilationWFactor:int=1", "dilationHFactor:int=1", "quantizedBiasType:tensorType"],
  DepthwiseConv2DOptions: ["padding:padding", "strideW:int", "strideH:int", "depthMultiplier:int",
    "fusedActivation:activation", "dilationWFactor:int=1", "dilationHFactor:int=1"],
  Pool2DOptions: ["padding:padding", "strideW:int", "strideH:int", "filterWidth:int", "filterHeight:int",
    "fusedActivation:activation"],
  FullyConnectedOptions: ["fusedActivation:activation", "weightsFormat:enum(DEFAULT|SHUFFLED4x16INT8)",
    "keepNumDims:bool", "asymmetricQuantizeInputs:bool", "quantizedBiasType:tensorType"],
  SoftmaxOptions: ["beta:float"],
  ConcatenationOptions: ["axis:int", "fusedActivation:activation"],
  AddOptions: ["fusedActivation:activation", "potScaleInt16:bool=true"],
  SubOptions: ["fusedActivation:activation", "potScaleInt16:bool=true"],
  MulOptions: ["fusedActivation:activation"],
  DivOptions: ["fusedActivation:activation"],
  L2NormOptions: ["fusedActivation:activation"],
  ReshapeOptions: ["newShape:int[]"],
  ReducerOptions: ["keepDims:bool"],
  SqueezeOptions: ["squeezeDims:int[]"],
  StridedSliceOptions: ["beginMask:int", "endMask:int", "ellipsisMask:int", "newAxisMask:int",
    "shrinkAxisMask:int", "offset:bool"],
  TransposeConvOptions: ["padding:padding", "strideW:int", "strideH:int", "fusedActivation:activation",
    "quantizedBiasType:tensorType"],
  LeakyReluOptions: ["alpha:float"],
  GatherOptions: ["axis:int", "batchDims:int"],
  SplitOptions: ["numSplits:int"],
  SplitVOptions: ["numSplits:int"],
  PackOptions: ["valuesCount:int", "axis:int"],
  UnpackOptions: ["num:int", "axis:int"],
  CastOptions: ["inDataType:tensorType", "outDataType:tensorType"],
  ArgMaxOptions: ["outputType:tensorType"],
  ArgMinOptions: ["outputType:tensorType"],
  ShapeOptions: ["outType:tensorType"],
  ResizeBilinearOptions: ["-", "-", "alignCorners:bool", "halfPixelCenters:bool"],
  ResizeNearestNeighborOptions: ["alignCorners:bool", "halfPixelCenters:bool"],
  SpaceToDepthOptions: ["blockSize:int"],
  DepthToSpaceOptions: ["blockSize:int"],
  MirrorPadOptions: ["mode:enum(REFLECT|SYMMETRIC)"],
  BatchMatMulOptions: ["adjX:bool", "adjY:bool", "asymmetricQuantizeInputs:bool"],
  LocalResponseNormalizationOptions: ["radius:int", "bias:float", "alpha:float", "beta:float"],
  GeluOptions: ["approximate:bool"],
  FakeQuantOptions: ["min:float", "max:float", "numBits:int", "narrowRange:bool"],
  // Generic tables (see GENERIC_OPTION_TABLES): carried for round trips, not run.
  SVDFOptions: ["rank:int", "fusedActivation:activation", "asymmetricQuantizeInputs:bool"],
  RNNOptions: ["fusedActivation:activation", "asymmetricQuantizeInputs:bool"],
  SequenceRNNOptions: ["timeMajor:bool", "fusedActivation:activation", "asymmetricQuantizeInputs:bool"],
  BidirectionalSequenceRNNOptions: ["timeMajor:bool", "fusedActivation:activation", "mergeOutputs:bool", "asymmetricQuantizeInputs:bool"],
  LSTMOptions: ["fusedActivation:activation", "cellClip:float", "projClip:float", "kernelType:enum(FULL|BASIC)", "asymmetricQuantizeInputs:bool"],
  UnidirectionalSequenceLSTMOptions: ["fusedActivation:activation", "cellClip:float", "projClip:float", "timeMajor:bool",
    "asymmetricQuantizeInputs:bool", "diagonalRecurrentTensors:bool"],
  BidirectionalSequenceLSTMOptions: ["fusedActivation:activation", "cellClip:float", "projClip:float", "mergeOutputs:bool",
    "timeMajor:bool=true", "asymmetricQuantizeInputs:bool"],
  CallOptions: ["subgraph:int"],
  IfOptions: ["thenSubgraphIndex:int", "elseSubgraphIndex:int"],
  WhileOptions: ["condSubgraphIndex:int", "bodySubgraphIndex:int"],
  CallOnceOptions: ["initSubgraphIndex:int"],
  OneHotOptions: ["axis:int"],
  CumsumOptions: ["exclusive:bool", "reverse:bool"],
  ReverseSequenceOptions: ["seqDim:int", "batchDim:int"],
  UniqueOptions: ["idxOutType:tensorType=i32"],
  LSHProjectionOptions: ["type_:enum(UNKNOWN|SPARSE|DENSE)"],
  SkipGramOptions: ["ngramSize:int", "maxSkipSize:int", "includeAllNgrams:bool"],
  EmbeddingLookupSparseOptions: ["combiner:enum(SUM|MEAN|SQRTN)"],
  SparseToDenseOptions: ["validateIndices:bool"],
  Conv3DOptions: ["padding:padding", "strideD:int", "strideW:int", "strideH:int", "fusedActivation:activation",
    "dilationDFactor:int=1", "dilationWFactor:int=1", "dilationHFactor:int=1"],
  BucketizeOptions: ["boundaries:float[]"],
  HashtableOptions: ["tableId:int", "keyDtype:tensorType", "valueDtype:tensorType"],
  ConcatEmbeddingsOptions: ["numChannels:int", "numColumnsPerChannel:int[]", "embeddingDimPerChannel:int[]"],
};

function parseField(text: string): FieldSpec | undefined {
  if (text === "-") return undefined;
  const [decl, dflt] = text.split("=") as [string, string | undefined];
  const [key, kind] = decl.split(":") as [string, FieldKind];
  let defaultValue: number | boolean | string;
  if (kind === "bool") defaultValue = dflt === "true";
  else if (kind === "padding") defaultValue = PADDINGS[0]!;
  else if (kind === "activation") defaultValue = ACTIVATIONS[0]!;
  else if (kind === "tensorType") defaultValue = dflt ?? TENSOR_TYPES[0]!;
  else if (kind.startsWith("enum(")) defaultValue = enumNames(kind)[0]!;
  else if (kind === "int[]" || kind === "float[]") defaultValue = "";
  else defaultValue = dflt === undefined ? 0 : Number(dflt);
  return { key, kind, defaultValue };
}

export function enumNames(kind: FieldKind): string[] {
  return kind.slice("enum(".length, -1).split("|");
}

/** Slot-ordered field specs per options table (undefined entries are deprecated slots). */
export const OPTION_FIELDS: ReadonlyMap<string, (FieldSpec | undefined)[]> = new Map(
  Object.entries(OPTION_LAYOUTS).map(([table, fields]) => [table, fields.map(parseField)]),
);
