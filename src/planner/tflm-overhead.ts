/**
 * TFLite Micro's persistent arena allocations (the "tail" of its SingleArenaBufferAllocator), so that the TFLM
 * baseline can be compared with what TFLM really reports: MicroInterpreter::arena_used_bytes() after
 * AllocateTensors() = non-persistent bytes (the head: the greedy plan of the activations, see greedy.ts) +
 * persistent bytes (this file). The head/tail split: the plan grows up from the arena's 16-aligned start, every
 * persistent allocation is carved down from the end as AlignDown(tail - size, alignment).
 *
 * Facts below are from tflite-micro at commit 90b983c (micro_allocator.cc, micro_interpreter.cc,
 * single_arena_buffer_allocator.cc, the kernels' Init/Prepare and the flatbuffer parse functions); struct sizes are
 * those of an x86-64 (LP64) build with TF_LITE_STATIC_MEMORY and without USE_TFLM_COMPRESSION (the golden
 * vectors' build), worked out from the struct definitions and checked with sizeof on the headers.
 * The sequence of allocations, in the order TFLM makes them (order matters: small-alignment allocations leave the
 * tail off the 16-byte grid and the next 16-aligned one pads it back):
 *   MicroAllocator::Create      SingleArenaBufferAllocator, GreedyMemoryPlanner, MicroAllocator
 *   StartModelAllocation        MicroBuiltinDataAllocator, SubgraphAllocations[1], TfLiteEvalTensor per tensor
 *                               (every tensor of the subgraph, weights included), NodeAndRegistration per op
 *   parse builtin options       one Tfl*Params struct per op (alignof 4)
 *   InitSubgraphs               each kernel's OpData (context->AllocatePersistentBuffer: 16-aligned)
 *   PrepareSubgraphs            CONV_2D / DEPTHWISE_CONV_2D: int32 multiplier[] and shift[] per output channel;
 *                               FULLY_CONNECTED: the same when its weights are per-channel
 *   FinishModelAllocation       ScratchBufferHandle per scratch request (none for these reference kernels),
 *                               variable tensors' buffers
 *   AllocateTensors (end)       input and output TfLiteTensor* arrays, a TfLiteTensor per input and output, with
 *                               TfLiteAffineQuantization + zero-point TfLiteIntArray when quantized
 * Temporary TfLiteTensors made during Prepare and the planner's working memory live in the head's temp section
 * and are released before arena_used_bytes is read; they do not count.
 * Assumes the arena is 16-byte aligned with a size that is a multiple of 16 (else up to 15 bytes more).
 */
import { denseByteSize, type Graph, type GraphOp } from "../graph/index.js";
import { alignUp } from "./greedy.js";

/** sizeof / alignof of TFLM's runtime structures for one build (ABI); x86-64 below. */
export interface TflmAbi {
  name: string;
  /** MicroArenaBufferAlignment(): what context->AllocatePersistentBuffer aligns to. */
  arenaAlignment: number;
  singleArenaBufferAllocator: number;
  greedyMemoryPlanner: number;
  microAllocator: number;
  microBuiltinDataAllocator: number;
  subgraphAllocations: number;
  evalTensor: number;
  nodeAndRegistration: number;
  tfLiteTensor: number;
  affineQuantization: number;
  pointer: number;
  /** alignof the pointer-bearing structs above (all of them share it). */
  structAlignment: number;
  /** Builtin options structs (TfLite*Params), alignof 4: by op kind. */
  builtinParams: Record<string, number>;
  /** The OpData each kernel's Init allocates: by op kind (absent: Init allocates nothing). */
  opData: Record<string, number>;
}

/**
 * x86-64, TF_LITE_STATIC_MEMORY, no compression. Derivations (pointer 8, int/enum/float 4):
 *  SingleArenaBufferAllocator 72: two vptrs (two interface bases) + 5 pointers + intptr_t + int (+4 pad).
 *  GreedyMemoryPlanner 72: vptr + 5 pointers + 4 ints + bool (+7 pad). MicroAllocator 72: vptr + 3 allocator/planner pointers +
 *  bool + builtin-data-allocator and scratch-head pointers + 2 size_t. MicroBuiltinDataAllocator 16: vptr + pointer.
 *  SubgraphAllocations 16: 2 pointers. TfLiteEvalTensor 24: data, dims pointers + type enum (+4 pad).
 *  NodeAndRegistration 64: TfLiteNode (inputs, outputs, intermediates, user_data, builtin_data,
 *  custom_initial_data pointers + int size, +4 pad = 56) + registration pointer.
 *  TfLiteTensor 64 (static-memory layout). TfLiteAffineQuantization 24: scale, zero_point pointers + int (+4 pad).
 *  OpDataConv 72: padding values (4 ints) + 5 int32 (+4 pad) + 2 pointers + 3 ints (+4 pad).
 *  OpDataFullyConnected 64: 9 ints (+4 pad) + 2 pointers + bool (+7 pad). OpDataPooling 32: padding values +
 *  2 int32 + 2 float. SoftmaxParams 80: double + 7 int32/float (+4 pad) + 5 pointers.
 *  TfLiteConvParams 28, TfLiteDepthwiseConvParams 28, TfLitePoolParams 40 (incl. computed padding),
 *  TfLiteReshapeParams 36 (int shape[8] + count), TfLiteFullyConnectedParams 16, TfLiteSoftmaxParams 4.
 */
export const TFLM_X86_64: TflmAbi = {
  name: "x86-64 (LP64), TF_LITE_STATIC_MEMORY",
  arenaAlignment: 16,
  singleArenaBufferAllocator: 72,
  greedyMemoryPlanner: 72,
  microAllocator: 72,
  microBuiltinDataAllocator: 16,
  subgraphAllocations: 16,
  evalTensor: 24,
  nodeAndRegistration: 64,
  tfLiteTensor: 64,
  affineQuantization: 24,
  pointer: 8,
  structAlignment: 8,
  builtinParams: { CONV_2D: 28, DEPTHWISE_CONV_2D: 28, AVERAGE_POOL_2D: 40, MAX_POOL_2D: 40, RESHAPE: 36, FULLY_CONNECTED: 16, SOFTMAX: 4 },
  opData: { CONV_2D: 72, DEPTHWISE_CONV_2D: 72, AVERAGE_POOL_2D: 32, MAX_POOL_2D: 32, FULLY_CONNECTED: 64, SOFTMAX: 80 },
};

export type TflmTailCategory =
  | "allocator objects"
  | "eval tensors"
  | "node and registrations"
  | "builtin params"
  | "op data"
  | "per-channel quantization"
  | "scratch buffer handles"
  | "variable tensors"
  | "input/output tensors"
  | "alignment padding";

/** One persistent allocation: its requested bytes and the padding its alignment cost. */
export interface TflmTailAllocation {
  what: string;
  category: Exclude<TflmTailCategory, "alignment padding">;
  /** Op index for per-op allocations. */
  op?: number;
  bytes: number;
  alignment: number;
  padding: number;
}

export interface TflmTail {
  abi: string;
  /** In TFLM's order. */
  allocations: TflmTailAllocation[];
  /** Requested bytes per category, and the alignment padding as a category of its own; sums to `bytes`. */
  byCategory: Record<TflmTailCategory, number>;
  /** Op data by op kind (part of "op data"). */
  opDataByKind: Record<string, number>;
  /** Persistent bytes: TFLM's GetPersistentUsedBytes(). */
  bytes: number;
  /** Ops whose kernel allocations this model does not know (the total is then a lower bound), with why. */
  unmodelled: { op: number; kind: string; reason: string }[];
}

const CATEGORIES: TflmTailCategory[] = [
  "allocator objects",
  "eval tensors",
  "node and registrations",
  "builtin params",
  "op data",
  "per-channel quantization",
  "scratch buffer handles",
  "variable tensors",
  "input/output tensors",
  "alignment padding",
];

/** Output channels whose multiplier/shift tables a kernel's Prepare allocates, or null when it allocates none. */
function perChannelTables(graph: Graph, op: GraphOp): number | null {
  const filter = graph.tensors[op.inputs[1]!];
  if (!filter) return null;
  if (op.kind === "CONV_2D") return filter.shape[0]!; // kConvQuantizedDimension = 0 (OHWI)
  if (op.kind === "DEPTHWISE_CONV_2D") return filter.shape[3]!; // kDepthwiseConvQuantizedDimension = 3 (1HWO)
  if (op.kind === "FULLY_CONNECTED") {
    const scales = filter.quant?.scale.length ?? 0;
    return scales > 1 ? scales : null;
  }
  return null;
}

function whyUnmodelled(graph: Graph, op: GraphOp, abi: TflmAbi): string | null {
  if (!(op.kind in abi.builtinParams)) return `no sizes for ${op.kind}'s builtin params, OpData and Prepare allocations`;
  const dtype = (t: number | undefined): string | undefined => (t === undefined || t < 0 ? undefined : graph.tensors[t]?.dtype);
  if ((op.kind === "CONV_2D" || op.kind === "DEPTHWISE_CONV_2D" || op.kind === "FULLY_CONNECTED") && dtype(op.inputs[1]) === "i4") {
    return "int4 weights: the kernel requests a scratch buffer (planned in the head) and a handle in the tail";
  }
  if (op.kind === "SOFTMAX" && dtype(op.inputs[0]) === "i16") return "int16 softmax allocates lookup tables";
  return null;
}

/** TFLM's persistent (tail) allocations for `graph`, itemized, in the order TFLM makes them. */
export function tflmPersistentAllocations(graph: Graph, abi: TflmAbi = TFLM_X86_64): TflmTail {
  const allocations: TflmTailAllocation[] = [];
  let used = 0; // bytes below the arena's (16-aligned) end
  const take = (what: string, category: TflmTailAllocation["category"], bytes: number, alignment: number, op?: number): void => {
    const next = alignUp(used + bytes, alignment);
    allocations.push({ what, category, bytes, alignment, padding: next - used - bytes, ...(op === undefined ? {} : { op }) });
    used = next;
  };
  const a = abi.structAlignment;
  const unmodelled: TflmTail["unmodelled"] = [];
  for (const op of graph.ops) {
    const reason = whyUnmodelled(graph, op, abi);
    if (reason) unmodelled.push({ op: op.index, kind: op.kind, reason });
  }
  const known = (op: GraphOp): boolean => !unmodelled.some((u) => u.op === op.index);

  take("SingleArenaBufferAllocator", "allocator objects", abi.singleArenaBufferAllocator, a);
  take("GreedyMemoryPlanner", "allocator objects", abi.greedyMemoryPlanner, a);
  take("MicroAllocator", "allocator objects", abi.microAllocator, a);
  take("MicroBuiltinDataAllocator", "allocator objects", abi.microBuiltinDataAllocator, a);
  take("SubgraphAllocations[1]", "allocator objects", abi.subgraphAllocations, a);
  take(`TfLiteEvalTensor x ${graph.tensors.length}`, "eval tensors", abi.evalTensor * graph.tensors.length, a);
  take(`NodeAndRegistration x ${graph.ops.length}`, "node and registrations", abi.nodeAndRegistration * graph.ops.length, a);
  for (const op of graph.ops) if (known(op)) take(`${op.kind} params`, "builtin params", abi.builtinParams[op.kind]!, 4, op.index);
  const opDataByKind: Record<string, number> = {};
  for (const op of graph.ops) {
    const bytes = abi.opData[op.kind];
    if (!known(op) || bytes === undefined) continue;
    take(`${op.kind} OpData`, "op data", bytes, abi.arenaAlignment, op.index);
    opDataByKind[op.kind] = (opDataByKind[op.kind] ?? 0) + bytes;
  }
  for (const op of graph.ops) {
    const channels = known(op) ? perChannelTables(graph, op) : null;
    if (channels === null) continue;
    take(`${op.kind} output multipliers x ${channels}`, "per-channel quantization", 4 * channels, abi.arenaAlignment, op.index);
    take(`${op.kind} output shifts x ${channels}`, "per-channel quantization", 4 * channels, abi.arenaAlignment, op.index);
  }
  // Scratch buffer handles: the reference kernels modelled here request scratch only for int4 weights (unmodelled).
  for (const t of graph.tensors) {
    if (!t.isVariable) continue;
    take(`variable tensor t${t.index}`, "variable tensors", denseByteSize(t.dtype, t.shape), abi.arenaAlignment);
  }
  for (const [name, list] of [["input", graph.inputs], ["output", graph.outputs]] as const) {
    take(`${name} TfLiteTensor* x ${list.length}`, "input/output tensors", abi.pointer * list.length, abi.arenaAlignment);
    for (const t of list) {
      take(`${name} TfLiteTensor t${t}`, "input/output tensors", abi.tfLiteTensor, a);
      const q = graph.tensors[t]!.quant;
      if (q && q.scale.length > 0 && q.zeroPoint.length > 0) {
        take(`${name} TfLiteAffineQuantization t${t}`, "input/output tensors", abi.affineQuantization, a);
        take(`${name} zero points t${t}`, "input/output tensors", 4 + 4 * q.scale.length, 4);
      }
    }
  }

  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<TflmTailCategory, number>;
  for (const x of allocations) {
    byCategory[x.category] += x.bytes;
    byCategory["alignment padding"] += x.padding;
  }
  return { abi: abi.name, allocations, byCategory, opDataByKind, bytes: used, unmodelled };
}

/** TFLM's arena_used_bytes, modelled: the greedy plan (head) plus the persistent tail. */
export interface TflmArenaTotal {
  headBytes: number;
  tail: TflmTail;
  totalBytes: number;
}

/** `headBytes` is planMemory(graph, { strategy: "tflm" }).arenaBytes (our reimplementation of TFLM's planner). */
export function tflmArenaTotal(graph: Graph, headBytes: number, abi: TflmAbi = TFLM_X86_64): TflmArenaTotal {
  const tail = tflmPersistentAllocations(graph, abi);
  return { headBytes, tail, totalBytes: headBytes + tail.bytes };
}
