/**
 * Per-layer C kernels with shapes and quantization constants baked in as literals and const tables.
 * Windowed layers (conv, depthwise, pools) compute an output region [oy0,oy1) x [ox0,ox1) from an input buffer
 * that holds the region starting at (iy0, ix0) with row width iw: the whole tensor in a normal run, one patch
 * in patch-based inference. Padding is decided in whole-image coordinates, so both give identical bytes.
 */
import type { Layer } from "./layers.js";
import { bytesOfType, cArray } from "./c-literals.js";

export interface EmittedLayer {
  /** Const tables and the function(s). */
  code: string;
  /** Bytes of const tables (weights, bias, multipliers, shifts). */
  constBytes: number;
}

const WINDOW_ARGS = "const int8_t *in, int iy0, int ix0, int iw, int8_t *out, int ostride, int oy0, int oy1, int ox0, int ox1";

/**
 * For a 1x1 conv every tap is inside the image, so sum((x + off) * w) + b = sum(x * w) + (b + off * sum(w)):
 * the input offset folds into the bias at generation time (exact integer arithmetic, the same result).
 */
function foldedBias(l: Extract<Layer, { kind: "conv" }>): Int32Array {
  const { outC, inC, inputOffset } = l.p;
  const out = new Int32Array(outC);
  for (let oc = 0; oc < outC; oc++) {
    let sum = 0;
    for (let ic = 0; ic < inC; ic++) sum += l.weights[oc * inC + ic]!;
    out[oc] = (l.bias ? l.bias[oc]! : 0) + inputOffset * sum;
  }
  return out;
}

function isPointwise(l: Extract<Layer, { kind: "conv" }>): boolean {
  return l.p.filterH === 1 && l.p.filterW === 1 && l.p.filterInC === l.p.inC;
}

function tables(l: Layer & { weights: Int8Array; bias: Int32Array | null; p: { outputMultiplier: Int32Array; outputShift: Int32Array } }, n: string, bias = l.bias): EmittedLayer {
  let code = cArray("int8_t", `${n}_w`, l.weights);
  let bytes = l.weights.length;
  if (bias) {
    code += cArray("int32_t", `${n}_b`, bias);
    bytes += 4 * bias.length;
  }
  // Per-tensor quantization repeats one multiplier: emit it once.
  const uniform = l.p.outputMultiplier.every((m) => m === l.p.outputMultiplier[0]) && l.p.outputShift.every((s) => s === l.p.outputShift[0]);
  if (!uniform) {
    code += cArray("int32_t", `${n}_m`, l.p.outputMultiplier) + cArray("int8_t", `${n}_s`, l.p.outputShift);
    bytes += 4 * l.p.outputMultiplier.length + bytesOfType("int8_t") * l.p.outputShift.length;
  }
  return { code, constBytes: bytes };
}

function requant(l: { p: { outputMultiplier: Int32Array; outputShift: Int32Array; outputOffset: number; actMin: number; actMax: number } }, n: string, ch: string): string {
  const uniform = l.p.outputMultiplier.every((m) => m === l.p.outputMultiplier[0]) && l.p.outputShift.every((s) => s === l.p.outputShift[0]);
  const m = uniform ? String(l.p.outputMultiplier[0]) : `${n}_m[${ch}]`;
  const s = uniform ? String(l.p.outputShift[0]) : `${n}_s[${ch}]`;
  return `(int8_t)dm_clamp(dm_mbqm(acc, ${m}, ${s}) + ${l.p.outputOffset}, ${l.p.actMin}, ${l.p.actMax})`;
}

/**
 * In-place 1x1 convolution: output pixel p reads only input pixel p, which is first copied to a one-pixel
 * scratch buffer. Input and output end at the same byte (the planner right-aligns shared buffers), so going
 * forwards when the output is at least as wide (backwards when narrower) a write never reaches an input pixel
 * still to be read.
 */
function emitPointwiseInplace(l: Extract<Layer, { kind: "conv" }>, n: string): string {
  const p = l.p;
  const pixels = p.outH * p.outW;
  const pixel = p.outC >= p.inC ? "i" : `${pixels - 1} - i`;
  return `static void ${n}_inplace(int8_t *in, int8_t *out, int8_t *tmp) {
  for (int i = 0; i < ${pixels}; i++) {
    const int px = ${pixel};
    for (int c = 0; c < ${p.inC}; c++) tmp[c] = in[px * ${p.inC} + c];
    int8_t *o = out + px * ${p.outC};
    for (int oc = 0; oc < ${p.outC}; oc++) {
      const int8_t *w = ${n}_w + oc * ${p.inC};
      const int32_t acc = dm_dot(tmp, w, ${p.inC}, ${n}_b[oc]);
      o[oc] = ${requant(l, n, "oc")};
    }
  }
}
`;
}

function emitConv(l: Extract<Layer, { kind: "conv" }>, n: string, inplace: boolean): EmittedLayer {
  const p = l.p;
  const fold = isPointwise(l);
  const t = tables(l, n, fold ? foldedBias(l) : l.bias);
  if (inplace) {
    t.code += emitPointwiseInplace(l, n);
    return t;
  }
  const k = p.filterH * p.filterW * p.filterInC;
  const groups = p.outC / p.outCPerGroup;
  const g0 = groups === 1 ? "0" : `(oc / ${p.outCPerGroup}) * ${p.filterInC}`;
  t.code += `static void ${n}(${WINDOW_ARGS}) {
  for (int oy = oy0; oy < oy1; oy++) {
    for (int ox = ox0; ox < ox1; ox++) {
      int8_t *o = out + ((oy - oy0) * ostride + (ox - ox0)) * ${p.outC};
      const int iyb = oy * ${p.strideH} - ${p.padTop};
      const int ixb = ox * ${p.strideW} - ${p.padLeft};
      for (int oc = 0; oc < ${p.outC}; oc++) {
        const int8_t *w = ${n}_w + oc * ${k};
        int32_t acc = ${fold || l.bias ? `${n}_b[oc]` : "0"};
        for (int ky = 0; ky < ${p.filterH}; ky++) {
          const int iy = iyb + ky * ${p.dilationH};
          if (iy < 0 || iy >= ${p.inH}) continue;
          for (int kx = 0; kx < ${p.filterW}; kx++) {
            const int ix = ixb + kx * ${p.dilationW};
            if (ix < 0 || ix >= ${p.inW}) continue;
            const int8_t *ip = in + ((iy - iy0) * iw + (ix - ix0)) * ${p.inC} + ${g0};
            const int8_t *wp = w + (ky * ${p.filterW} + kx) * ${p.filterInC};
            ${fold ? `acc = dm_dot(ip, wp, ${p.filterInC}, acc);` : `for (int ic = 0; ic < ${p.filterInC}; ic++) acc += (ip[ic] + ${p.inputOffset}) * wp[ic];`}
          }
        }
        o[oc] = ${requant(l, n, "oc")};
      }
    }
  }
}
`;
  return t;
}

function emitDepthwise(l: Extract<Layer, { kind: "depthwise" }>, n: string, inplace: boolean): EmittedLayer {
  const p = l.p;
  const t = tables(l, n);
  if (!inplace) t.code += `static void ${n}(${WINDOW_ARGS}) {
  for (int oy = oy0; oy < oy1; oy++) {
    for (int ox = ox0; ox < ox1; ox++) {
      int8_t *o = out + ((oy - oy0) * ostride + (ox - ox0)) * ${p.outC};
      const int iyb = oy * ${p.strideH} - ${p.padTop};
      const int ixb = ox * ${p.strideW} - ${p.padLeft};
      for (int oc = 0; oc < ${p.outC}; oc++) {
        const int ic = ${p.depthMultiplier === 1 ? "oc" : `oc / ${p.depthMultiplier}`};
        int32_t acc = ${l.bias ? `${n}_b[oc]` : "0"};
        for (int ky = 0; ky < ${p.filterH}; ky++) {
          const int iy = iyb + ky * ${p.dilationH};
          if (iy < 0 || iy >= ${p.inH}) continue;
          for (int kx = 0; kx < ${p.filterW}; kx++) {
            const int ix = ixb + kx * ${p.dilationW};
            if (ix < 0 || ix >= ${p.inW}) continue;
            acc += (in[((iy - iy0) * iw + (ix - ix0)) * ${p.inC} + ic] + ${p.inputOffset}) * ${n}_w[(ky * ${p.filterW} + kx) * ${p.outC} + oc];
          }
        }
        o[oc] = ${requant(l, n, "oc")};
      }
    }
  }
}
`;
  else {
    // TinyEngine's in-place depthwise: channel c is copied out, then its outputs overwrite channel c's slots,
    // which nothing else reads. Output and input end at the same byte, so out - in is a whole number of
    // pixels: output (p, c) lands on an input slot of channel c, already copied.
    t.code += `static void ${n}_inplace(int8_t *in, int8_t *out, int8_t *tmp) {
  for (int c = 0; c < ${p.outC}; c++) {
    for (int i = 0; i < ${p.inH * p.inW}; i++) tmp[i] = in[i * ${p.inC} + c];
    for (int oy = 0; oy < ${p.outH}; oy++) {
      for (int ox = 0; ox < ${p.outW}; ox++) {
        const int iyb = oy * ${p.strideH} - ${p.padTop};
        const int ixb = ox * ${p.strideW} - ${p.padLeft};
        int32_t acc = ${l.bias ? `${n}_b[c]` : "0"};
        for (int ky = 0; ky < ${p.filterH}; ky++) {
          const int iy = iyb + ky * ${p.dilationH};
          if (iy < 0 || iy >= ${p.inH}) continue;
          for (int kx = 0; kx < ${p.filterW}; kx++) {
            const int ix = ixb + kx * ${p.dilationW};
            if (ix < 0 || ix >= ${p.inW}) continue;
            acc += (tmp[iy * ${p.inW} + ix] + ${p.inputOffset}) * ${n}_w[(ky * ${p.filterW} + kx) * ${p.outC} + c];
          }
        }
        out[(oy * ${p.outW} + ox) * ${p.outC} + c] = ${requant(l, n, "c")};
      }
    }
  }
}
`;
  }
  return t;
}

function emitPool(l: Extract<Layer, { kind: "avgpool" | "maxpool" }>, n: string): EmittedLayer {
  const p = l.p;
  const avg = l.kind === "avgpool";
  const code = `static void ${n}(${WINDOW_ARGS}) {
  for (int oy = oy0; oy < oy1; oy++) {
    const int iyb = oy * ${p.strideH} - ${p.padTop};
    const int fy0 = iyb < 0 ? -iyb : 0;
    const int fy1 = ${p.inH} - iyb < ${p.filterH} ? ${p.inH} - iyb : ${p.filterH};
    for (int ox = ox0; ox < ox1; ox++) {
      const int ixb = ox * ${p.strideW} - ${p.padLeft};
      const int fx0 = ixb < 0 ? -ixb : 0;
      const int fx1 = ${p.inW} - ixb < ${p.filterW} ? ${p.inW} - ixb : ${p.filterW};
      int8_t *o = out + ((oy - oy0) * ostride + (ox - ox0)) * ${p.inC};
      for (int c = 0; c < ${p.inC}; c++) {
        int32_t acc = ${avg ? "0" : "-128"};
        for (int fy = fy0; fy < fy1; fy++) {
          for (int fx = fx0; fx < fx1; fx++) {
            const int32_t v = in[((iyb + fy - iy0) * iw + (ixb + fx - ix0)) * ${p.inC} + c];
            ${avg ? "acc += v;" : "if (v > acc) acc = v;"}
          }
        }
${avg ? `        const int32_t count = (fy1 - fy0) * (fx1 - fx0);
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
` : ""}        o[c] = (int8_t)dm_clamp(acc, ${p.actMin}, ${p.actMax});
      }
    }
  }
}
`;
  return { code, constBytes: 0 };
}

function emitFc(l: Extract<Layer, { kind: "fc" }>, n: string): EmittedLayer {
  const p = l.p;
  const t = tables(l, n);
  t.code += `static void ${n}(const int8_t *in, int8_t *out) {
  for (int b = 0; b < ${p.batches}; b++) {
    for (int oc = 0; oc < ${p.outDepth}; oc++) {
      const int8_t *w = ${n}_w + oc * ${p.accumDepth};
      const int8_t *x = in + b * ${p.accumDepth};
      int32_t acc = ${l.bias ? `${n}_b[oc]` : "0"};
      for (int d = 0; d < ${p.accumDepth}; d++) acc += (w[d] + ${p.filterOffset}) * (x[d] + ${p.inputOffset});
      out[b * ${p.outDepth} + oc] = ${requant(l, n, "oc")};
    }
  }
}
`;
  return t;
}

function emitAdd(l: Extract<Layer, { kind: "add" }>, n: string): EmittedLayer {
  const p = l.p;
  const code = `static void ${n}(const int8_t *a, const int8_t *b, int8_t *out) {
  for (int i = 0; i < ${p.broadcast.size}; i++) {
    const int32_t sa = dm_mbqm((a[i] + ${p.inputOffsetA}) * ${1 << p.leftShift}, ${p.multiplierA}, ${p.shiftA});
    const int32_t sb = dm_mbqm((b[i] + ${p.inputOffsetB}) * ${1 << p.leftShift}, ${p.multiplierB}, ${p.shiftB});
    out[i] = (int8_t)dm_clamp(dm_mbqm(dm_add(sa, sb), ${p.outputMultiplier}, ${p.outputShift}) + ${p.outputOffset}, ${p.actMin}, ${p.actMax});
  }
}
`;
  return { code, constBytes: 0 };
}

/** The C for one layer; `inplace` emits the in-place depthwise / 1x1 variant instead of the windowed one. */
export function emitLayer(l: Layer, inplace: boolean): EmittedLayer {
  const n = `op${l.op}`;
  switch (l.kind) {
    case "conv":
      return emitConv(l, n, inplace);
    case "depthwise":
      return emitDepthwise(l, n, inplace);
    case "avgpool":
    case "maxpool":
      return emitPool(l, n);
    case "fc":
      return emitFc(l, n);
    case "add":
      return emitAdd(l, n);
    case "softmax":
      return { code: `static void ${n}(const int8_t *in, int8_t *out) { dm_softmax(in, out, ${l.p.rows}, ${l.p.depth}, ${l.p.inputMultiplier}, ${l.p.inputLeftShift}, ${l.p.diffMin}); }\n`, constBytes: 0 };
    case "reshape":
      return { code: "", constBytes: 0 };
  }
}
