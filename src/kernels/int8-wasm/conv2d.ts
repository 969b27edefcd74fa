/**
 * CONV_2D int8 in WASM: reference prepare's constants, packed. A grouped conv (filterInC < inC) runs one GEMM
 * per group on that group's input channels (copied out contiguous first), each writing its slice of the
 * output channels.
 */
import type { Conv2dInt8Params } from "../int8/conv2d.js";
import { evalGemmOp, prepareGemmOp, runGemmOp, type GemmOp } from "./gemm-op.js";
import { prepareChannelRemap, runChannelRemap, type ChannelRemap } from "./remap.js";
import { copyBack, inputAddress, outputAddress } from "./resident.js";
import { int8Runtime, type Int8Runtime } from "./runtime.js";

interface ConvGroup {
  slice: ChannelRemap;
  gemm: GemmOp;
  /** First output channel of the group. */
  channel0: number;
}

export type Conv2dWasm = GemmOp | { rt: Int8Runtime; groups: ConvGroup[] };

/** null when the WASM is not built (the reference kernel then runs). */
export function prepareConv2dWasm(p: Conv2dInt8Params, filter: Int8Array, bias: Int32Array | null): Conv2dWasm | null {
  const rt = int8Runtime();
  if (rt === null) return null;
  if (p.filterInC === p.inC) return prepareGroup(rt, p, filter, bias, 0, p.outC);
  const groupCount = p.inC / p.filterInC;
  const perGroup = p.outCPerGroup;
  const weightsPerChannel = p.filterH * p.filterW * p.filterInC;
  const groups: ConvGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    const c0 = g * perGroup;
    const channels = (a: Int32Array): Int32Array => a.subarray(c0, c0 + perGroup);
    const gp: Conv2dInt8Params = { ...p, inC: p.filterInC, outC: perGroup, outputMultiplier: channels(p.outputMultiplier), outputShift: channels(p.outputShift) };
    groups.push({
      slice: prepareChannelRemap(rt, p.batches * p.inH * p.inW, p.inC, p.filterInC, (j) => g * p.filterInC + j),
      gemm: prepareGroup(rt, gp, filter.subarray(c0 * weightsPerChannel, (c0 + perGroup) * weightsPerChannel), bias ? channels(bias) : null, p.outC, perGroup),
      channel0: c0,
    });
  }
  return { rt, groups };
}

/** The GEMM of one group (or of the whole conv): n output channels written ldo bytes apart. */
function prepareGroup(rt: Int8Runtime, p: Conv2dInt8Params, filter: Int8Array, bias: Int32Array | null, ldo: number, n: number): GemmOp {
  return prepareGemmOp(rt, {
    m: p.batches * p.outH * p.outW,
    n,
    k: p.filterH * p.filterW * p.inC,
    weights: filter,
    bias,
    inputOffset: p.inputOffset,
    outputOffset: p.outputOffset,
    multiplier: p.outputMultiplier,
    shift: p.outputShift,
    actMin: p.actMin,
    actMax: p.actMax,
    window: {
      batches: p.batches, inH: p.inH, inW: p.inW, c: p.inC, outH: p.outH, outW: p.outW,
      fh: p.filterH, fw: p.filterW, sh: p.strideH, sw: p.strideW, dh: p.dilationH, dw: p.dilationW, padT: p.padTop, padL: p.padLeft,
    },
    ...(ldo > 0 ? { ldo } : {}),
  });
}

export function evalConv2dWasm(op: Conv2dWasm, input: Int8Array, output: Int8Array): void {
  if (!("groups" in op)) return evalGemmOp(op, input, output);
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  for (const g of op.groups) runGemmOp(g.gemm, runChannelRemap(g.slice, x), y + g.channel0);
  copyBack(rt, y, output);
}
