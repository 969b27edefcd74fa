/**
 * planMemory: one static arena for every activation, with offsets from the greedy planner.
 *  - "tflm": TFLite Micro's plan (every tensor its own buffer, sizes rounded up to 16 bytes).
 *  - "dietml": TinyEngine's improvements: in-place depthwise convolution (the output overwrites the input channel
 *    by channel through a one-channel scratch buffer), RESHAPE aliased to its input, and optionally patch-based
 *    inference for the first layers. Our own addition in the same spirit: in-place 1x1 convolution (output pixel
 *    p depends only on input pixel p: pixels go through a one-pixel scratch buffer, forwards when the output is
 *    at least as wide as the input, backwards otherwise). Tensors sharing a buffer end at its top (right-aligned,
 *    see profile-place.ts), which is what makes those write orders safe.
 * Peak SRAM is the arena's high-water mark, counted from the offsets; scratch buffers are placed inside it.
 */
import { consumersOf, type Graph } from "../graph/index.js";
import { alignUp, greedyPlace } from "./greedy.js";
import { placeRightAligned, type Segment } from "./profile-place.js";
import { tensorLifetimes } from "./lifetimes.js";
import { planPatches, type PatchPlan } from "./patch.js";
import { windowOpOf } from "./window-ops.js";

export interface PlannedBuffer {
  label: string;
  kind: "tensor" | "scratch" | "patch";
  /** Tensors sharing this buffer (aliases: in-place depthwise, reshape); empty for scratch/patch buffers. */
  tensors: number[];
  size: number;
  first: number;
  last: number;
  offset: number;
  /** Occupancy over time (dietml: right-aligned to offset + size); one segment per member or scratch. */
  segments: Segment[];
}

/** One tensor or scratch area with its bytes and lifetime; `group` names the buffer it shares. */
export interface Allocation {
  label: string;
  group: number;
  offset: number;
  bytes: number;
  first: number;
  last: number;
}

export interface PlanOptions {
  strategy: "tflm" | "dietml";
  /** Patch-based inference for the first `depth` layers on a grid x grid split (dietml only). */
  patch?: { depth: number; grid: number } | null;
  /**
   * Ops allowed to run in place (dietml only). Left out, the planner chooses: growing a shared buffer can raise
   * the peak elsewhere (the buffer is as large as its largest tensor for its whole life), so each candidate is
   * kept only if it lowers (arena, sum over ops of the bytes alive there).
   */
  inplace?: readonly number[];
}

export interface MemoryPlan {
  strategy: "tflm" | "dietml";
  alignment: number;
  buffers: PlannedBuffer[];
  /** Peak SRAM for activations: the arena's high-water mark, scratch included. */
  arenaBytes: number;
  /** Every tensor and scratch area at its byte offset (what the overlap property is checked on). */
  allocations: Allocation[];
  /** Largest scratch footprint alive at any one op (part of arenaBytes). */
  scratchBytes: number;
  tensorOffset: Map<number, number>;
  /** Depthwise ops run in place -> their scratch buffer. */
  inplaceDepthwise: Map<number, { offset: number; size: number }>;
  /** 1x1 convolutions run in place -> their one-pixel scratch buffer. */
  inplacePointwise: Map<number, { offset: number; size: number }>;
  aliasedReshapes: Set<number>;
  patch: (PatchPlan & { bufferOffsets: number[] }) | null;
  /** The op at which the arena's high-water mark is reached, and the bytes live there. */
  peak: { op: number; extent: number; liveBytes: number };
  /** Per op: bytes alive and the arena's extent (highest byte in use + 1) while it runs. */
  byOp: { op: number; liveBytes: number; extent: number }[];
  /** Ops that could run in place (whether chosen or not), and the sum over ops of the bytes alive there. */
  inplaceCandidates: number[];
  liveSum: number;
}

/** TFLite Micro aligns every arena buffer to 16 bytes (its kBufferAlignment). */
export const TFLM_ALIGNMENT = 16;
/** Buffer sizes round up to words; the int8 C kernels need no more (shared buffers' members end at its top). */
export const DIETML_ALIGNMENT = 4;

class Groups {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) x = this.parent[x] = this.parent[this.parent[x]!]!;
    return x;
  }
  union(a: number, b: number): void {
    this.parent[this.find(b)] = this.find(a);
  }
}

export function planMemory(graph: Graph, options: PlanOptions = { strategy: "dietml" }): MemoryPlan {
  if (options.strategy !== "dietml" || options.inplace !== undefined) return planExact(graph, options);
  let best = planExact(graph, { ...options, inplace: [] });
  const chosen: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const op of best.inplaceCandidates) {
      if (chosen.includes(op)) continue;
      const trial = planExact(graph, { ...options, inplace: [...chosen, op] });
      if (trial.arenaBytes < best.arenaBytes || (trial.arenaBytes === best.arenaBytes && trial.liveSum < best.liveSum)) {
        best = trial;
        chosen.push(op);
      }
    }
  }
  return best;
}

function planExact(graph: Graph, options: PlanOptions): MemoryPlan {
  const allowed = new Set(options.inplace ?? []);
  const candidates: number[] = [];
  const dietml = options.strategy === "dietml";
  const alignment = dietml ? DIETML_ALIGNMENT : TFLM_ALIGNMENT;
  const patch = dietml && options.patch ? planPatches(graph, options.patch.depth, options.patch.grid) : null;
  const stageEnd = patch ? patch.ops.length - 1 : -1;
  const lifetimes = tensorLifetimes(graph);
  const life = new Map(lifetimes.map((l) => [l.tensor, { ...l }]));
  // Intermediates of the patch stage never exist whole; its output is written patch by patch from op 0 on.
  if (patch) {
    for (let j = 0; j < stageEnd; j++) life.delete(patch.ops[j]!.output);
    const out = life.get(patch.ops[stageEnd]!.output)!;
    out.first = 0;
  }
  const consumers = consumersOf(graph);
  const pinned = new Set([...graph.inputs, ...graph.outputs]);
  const groups = new Groups(graph.tensors.length);
  const inplaceOps: number[] = [];
  const pointwiseOps: number[] = [];
  const aliasedReshapes = new Set<number>();
  if (dietml) {
    for (const op of graph.ops) {
      if (op.index <= stageEnd) continue;
      const input = op.inputs[0]!;
      const output = op.outputs[0]!;
      if (!life.has(input) || !life.has(output) || graph.outputs.includes(input)) continue;
      const lastReader = consumers[input]!.at(-1);
      if (lastReader !== op.index) continue;
      if (op.kind === "RESHAPE") {
        groups.union(input, output);
        aliasedReshapes.add(op.index);
      } else if (op.kind === "DEPTHWISE_CONV_2D" && !pinned.has(input)) {
        const w = windowOpOf(graph, op);
        if (w && w.inC === w.outC && w.outH <= w.inH && w.outW <= w.inW) {
          candidates.push(op.index);
          if (!allowed.has(op.index)) continue;
          groups.union(input, output);
          inplaceOps.push(op.index);
        }
      } else if (op.kind === "CONV_2D" && !pinned.has(input)) {
        const w = windowOpOf(graph, op);
        const filterInC = graph.tensors[op.inputs[1]!]!.shape[3];
        if (w && w.kh === 1 && w.kw === 1 && w.sh === 1 && w.sw === 1 && filterInC === w.inC && w.outH === w.inH && w.outW === w.inW) {
          candidates.push(op.index);
          if (!allowed.has(op.index)) continue;
          groups.union(input, output);
          pointwiseOps.push(op.index);
        }
      }
    }
  }

  const buffers: PlannedBuffer[] = [];
  const bufferOfGroup = new Map<number, PlannedBuffer>();
  for (const l of life.values()) {
    const root = groups.find(l.tensor);
    let b = bufferOfGroup.get(root);
    if (!b) {
      b = { label: "", kind: "tensor", tensors: [], size: 0, first: l.first, last: l.last, offset: 0, segments: [] };
      bufferOfGroup.set(root, b);
      buffers.push(b);
    }
    b.tensors.push(l.tensor);
    b.segments.push({ first: l.first, last: l.last, size: alignUp(l.bytes, alignment) });
    b.size = Math.max(b.size, alignUp(l.bytes, alignment));
    b.first = Math.min(b.first, l.first);
    b.last = Math.max(b.last, l.last);
  }
  for (const b of buffers) b.label = b.tensors.map((t) => `t${t}`).join("=");
  const scratchOf = new Map<number, PlannedBuffer>();
  for (const opIndex of inplaceOps) {
    const w = windowOpOf(graph, graph.ops[opIndex]!)!;
    const s: PlannedBuffer = { label: `op${opIndex} depthwise channel`, kind: "scratch", tensors: [], size: alignUp(w.inH * w.inW, alignment), first: opIndex, last: opIndex, offset: 0, segments: [] };
    buffers.push(s);
    scratchOf.set(opIndex, s);
  }
  const pixelScratchOf = new Map<number, PlannedBuffer>();
  for (const opIndex of pointwiseOps) {
    const w = windowOpOf(graph, graph.ops[opIndex]!)!;
    const s: PlannedBuffer = { label: `op${opIndex} 1x1 pixel`, kind: "scratch", tensors: [], size: alignUp(w.inC, alignment), first: opIndex, last: opIndex, offset: 0, segments: [] };
    buffers.push(s);
    pixelScratchOf.set(opIndex, s);
  }
  const patchBuffers: PlannedBuffer[] = [];
  if (patch) {
    patch.bufferBytes.forEach((bytes, j) => {
      const b: PlannedBuffer = { label: `patch of op${j} output`, kind: "patch", tensors: [], size: alignUp(bytes, alignment), first: 0, last: stageEnd, offset: 0, segments: [] };
      buffers.push(b);
      patchBuffers.push(b);
    });
  }

  for (const b of buffers) if (b.segments.length === 0) b.segments.push({ first: b.first, last: b.last, size: b.size });
  // TFLM's plan keeps its own placement (what we compare against); dietml right-aligns shared buffers.
  const placement = dietml ? placeRightAligned(buffers) : greedyPlace(buffers);
  buffers.forEach((b, i) => (b.offset = placement.offsets[i]!));
  const tensorOffset = new Map<number, number>();
  const allocations: Allocation[] = [];
  buffers.forEach((b, group) => {
    for (const t of b.tensors) {
      const l = life.get(t)!;
      // Members end together at the buffer's top: what the in-place kernels' write order relies on.
      const offset = dietml ? b.offset + b.size - l.bytes : b.offset;
      tensorOffset.set(t, offset);
      allocations.push({ label: `t${t}`, group, offset, bytes: l.bytes, first: l.first, last: l.last });
    }
    if (b.tensors.length === 0) allocations.push({ label: b.label, group, offset: b.offset, bytes: b.size, first: b.first, last: b.last });
  });
  const inplaceDepthwise = new Map<number, { offset: number; size: number }>();
  for (const [op, s] of scratchOf) inplaceDepthwise.set(op, { offset: s.offset, size: s.size });
  const inplacePointwise = new Map<number, { offset: number; size: number }>();
  for (const [op, s] of pixelScratchOf) inplacePointwise.set(op, { offset: s.offset, size: s.size });

  let peak = { op: 0, extent: -1, liveBytes: 0 };
  let scratchBytes = 0;
  let liveSum = 0;
  const byOp: { op: number; liveBytes: number; extent: number }[] = [];
  for (let t = 0; t < Math.max(1, graph.ops.length); t++) {
    let extent = 0;
    let live = 0;
    let scratch = 0;
    for (const b of buffers) {
      let here = 0;
      for (const s of b.segments) if (s.first <= t && t <= s.last) here = Math.max(here, s.size);
      if (here === 0) continue;
      extent = Math.max(extent, dietml ? b.offset + b.size : b.offset + here);
      live += here;
      if (b.kind !== "tensor") scratch += here;
    }
    scratchBytes = Math.max(scratchBytes, scratch);
    liveSum += live;
    if (extent > peak.extent) peak = { op: t, extent, liveBytes: live };
    byOp.push({ op: t, liveBytes: live, extent });
  }
  return {
    strategy: options.strategy,
    alignment,
    buffers,
    arenaBytes: placement.arenaBytes,
    allocations,
    scratchBytes,
    tensorOffset,
    inplaceDepthwise,
    inplacePointwise,
    aliasedReshapes,
    patch: patch ? { ...patch, bufferOffsets: patchBuffers.map((b) => b.offset) } : null,
    peak,
    byOp,
    inplaceCandidates: candidates,
    liveSum,
  };
}
