/**
 * The sliding-window view of CONV_2D / DEPTHWISE_CONV_2D / pools that patch planning needs: which input rows
 * and columns an output region reads (TFLite's SAME/VALID padding), and the MACs per output pixel.
 */
import { denseByteSize, optionsOf, type Graph, type GraphOp } from "../graph/index.js";
import { computeOutSize, computePaddingBefore, type PaddingKind } from "../kernels/int8/geometry.js";

export const WINDOW_KINDS = ["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"];

export interface WindowOp {
  op: number;
  input: number;
  output: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
  /** Multiply-accumulates per output pixel (all channels); 0 for pools. */
  macsPerPixel: number;
}

/** Half-open rectangle [y0, y1) x [x0, x1) in a tensor's H/W plane. */
export interface Region {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

export function regionArea(r: Region): number {
  return (r.y1 - r.y0) * (r.x1 - r.x0);
}

function filterOf(graph: Graph, op: GraphOp): { kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; padding: PaddingKind; macsPerPixel: number } {
  if (op.kind === "CONV_2D" || op.kind === "DEPTHWISE_CONV_2D") {
    const o = op.kind === "CONV_2D" ? optionsOf(op, "Conv2DOptions") : optionsOf(op, "DepthwiseConv2DOptions");
    const f = graph.tensors[op.inputs[1]!]!.shape;
    const [o0, kh, kw, o3] = f as [number, number, number, number];
    const macs = op.kind === "CONV_2D" ? o0 * kh * kw * o3 : kh * kw * o3;
    return { kh, kw, sh: o.strideH, sw: o.strideW, dh: o.dilationHFactor, dw: o.dilationWFactor, padding: o.padding, macsPerPixel: macs };
  }
  const o = optionsOf(op, "Pool2DOptions");
  return { kh: o.filterHeight, kw: o.filterWidth, sh: o.strideH, sw: o.strideW, dh: 1, dw: 1, padding: o.padding, macsPerPixel: 0 };
}

/** The window description of a windowed op over 4-D int8 tensors, or null for any other op. */
export function windowOpOf(graph: Graph, op: GraphOp): WindowOp | null {
  if (!WINDOW_KINDS.includes(op.kind)) return null;
  const input = graph.tensors[op.inputs[0]!]!;
  const output = graph.tensors[op.outputs[0]!]!;
  if (input.shape.length !== 4 || output.shape.length !== 4 || input.shape[0] !== 1) return null;
  const f = filterOf(graph, op);
  const [, inH, inW, inC] = input.shape as [number, number, number, number];
  const [, outH, outW, outC] = output.shape as [number, number, number, number];
  if (computeOutSize(f.padding, inH, f.kh, f.sh, f.dh) !== outH || computeOutSize(f.padding, inW, f.kw, f.sw, f.dw) !== outW) return null;
  return {
    op: op.index, input: input.index, output: output.index,
    inH, inW, inC, outH, outW, outC,
    kh: f.kh, kw: f.kw, sh: f.sh, sw: f.sw, dh: f.dh, dw: f.dw,
    padTop: f.padding === "SAME" ? computePaddingBefore(f.sh, f.dh, inH, f.kh, outH) : 0,
    padLeft: f.padding === "SAME" ? computePaddingBefore(f.sw, f.dw, inW, f.kw, outW) : 0,
    macsPerPixel: f.macsPerPixel,
  };
}

/** The input region an output region reads (receptive field), clipped to the input: padding needs no storage. */
export function receptiveField(w: WindowOp, out: Region): Region {
  const lo = (o: number, s: number, p: number): number => o * s - p;
  const hi = (o: number, s: number, p: number, k: number, d: number): number => (o - 1) * s - p + (k - 1) * d + 1;
  return {
    y0: Math.max(0, lo(out.y0, w.sh, w.padTop)),
    y1: Math.min(w.inH, hi(out.y1, w.sh, w.padTop, w.kh, w.dh)),
    x0: Math.max(0, lo(out.x0, w.sw, w.padLeft)),
    x1: Math.min(w.inW, hi(out.x1, w.sw, w.padLeft, w.kw, w.dw)),
  };
}

export function tensorBytes(graph: Graph, t: number): number {
  const g = graph.tensors[t]!;
  return denseByteSize(g.dtype, g.shape);
}
