/**
 * State of one ONNX import: the IR tensors and ops built so far and, for each ONNX value name,
 * the IR tensor holding it. ONNX convs work in NCHW; the IR is NHWC. A 4-D value in "nchw"
 * layout is one whose logical ONNX shape is [N, C, H, W] while its IR tensor stores [N, H, W, C];
 * transposes between the two layouts become aliases, not ops.
 */
import { UnsupportedError } from "../../errors/index.js";
import type { GraphDType, GraphOp, GraphTensor } from "../ir.js";
import type { OpOptions } from "../options.js";
import { permute } from "./context.js";
import type { OnnxNode, OnnxTensor } from "./onnx-model.js";

export type ImportLayout = "plain" | "nchw";

export interface ImportValue {
  tensor: number;
  layout: ImportLayout;
}

export class Importer {
  readonly tensors: GraphTensor[] = [];
  readonly ops: GraphOp[] = [];
  readonly values = new Map<string, ImportValue>();
  readonly constants = new Map<string, OnnxTensor>();

  constructor(readonly file: string) {}

  unsupported(node: OnnxNode, what: string, hint = "re-export the model without this construct"): never {
    throw new UnsupportedError(`${this.file}: ${node.opType} node "${node.name || node.outputs[0] || "?"}": ${what}`, hint);
  }

  addTensor(name: string, shape: number[], dtype: GraphDType = "f32", data?: Uint8Array): number {
    const t: GraphTensor = { index: this.tensors.length, name, shape, dtype };
    if (data) t.data = data;
    this.tensors.push(t);
    return t.index;
  }

  /** A float32 constant from values, shaped as given. */
  addConstant(name: string, shape: number[], values: Float32Array | number[], dtype: "f32" | "i32" = "f32"): number {
    const typed = dtype === "f32" ? Float32Array.from(values) : Int32Array.from(values);
    return this.addTensor(name, shape, dtype, new Uint8Array(typed.buffer));
  }

  /** An initializer as an IR constant, optionally with its axes permuted (quantization follows its axis). */
  addInitializer(c: OnnxTensor, perm?: number[]): number {
    let t: number;
    if (!perm) {
      t = this.addTensor(c.name, c.dims, c.dtype, c.raw);
    } else {
      const bytes = c.raw.length / Math.max(1, c.dims.reduce((a, b) => a * b, 1));
      const p = permute(c.raw, c.dims, perm, bytes);
      t = this.addTensor(c.name, p.shape, c.dtype, p.bytes);
    }
    if (c.quant) {
      const axis = c.quant.scale.length > 1 ? (perm ? perm.indexOf(c.quant.axis) : c.quant.axis) : 0;
      this.tensors[t]!.quant = { scale: c.quant.scale, zeroPoint: c.quant.zeroPoint, quantizedDimension: axis };
    }
    return t;
  }

  addOp(kind: string, inputs: number[], outputs: number[], options: OpOptions): void {
    this.ops.push({ index: this.ops.length, kind, version: 1, inputs, outputs, options });
  }

  /** The activation an input names; throws if it is missing or a constant. */
  value(node: OnnxNode, k: number): ImportValue {
    const name = node.inputs[k];
    const v = name ? this.values.get(name) : undefined;
    if (!v) {
      if (name && this.constants.has(name)) this.unsupported(node, `input ${k} ("${name}") is a constant where an activation is expected`);
      this.unsupported(node, `input ${k} ("${name ?? ""}") is not produced by any earlier node`, "the model is malformed or its nodes are not in topological order");
    }
    return v;
  }

  /** The constant an input names, or undefined when the input is absent. */
  constant(node: OnnxNode, k: number): OnnxTensor | undefined {
    const name = node.inputs[k];
    if (!name) return undefined;
    const c = this.constants.get(name);
    if (!c) this.unsupported(node, `input ${k} ("${name}") must be a constant (initializer)`);
    return c;
  }

  /** Float values of a constant (f32, f64 or integer types; quantized ones dequantized). */
  floats(node: OnnxNode, c: OnnxTensor): Float32Array {
    const ints = this.rawValues(node, c);
    const q = c.quant;
    if (!q) return ints;
    const inner = q.scale.length > 1 ? c.dims.slice(q.axis + 1).reduce((a, b) => a * b, 1) : 1;
    return ints.map((v, i) => {
      const ch = q.scale.length > 1 ? Math.floor(i / inner) % q.scale.length : 0;
      return q.scale[ch]! * (v - (q.zeroPoint[ch] ?? 0));
    });
  }

  /** A constant's stored values as numbers. */
  rawValues(node: OnnxNode, c: OnnxTensor): Float32Array {
    const view = new DataView(c.raw.buffer, c.raw.byteOffset, c.raw.byteLength);
    const n = c.dims.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      switch (c.dtype) {
        case "f32": out[i] = view.getFloat32(4 * i, true); break;
        case "f64": out[i] = view.getFloat64(8 * i, true); break;
        case "i64": out[i] = Number(view.getBigInt64(8 * i, true)); break;
        case "i32": out[i] = view.getInt32(4 * i, true); break;
        case "i8": out[i] = view.getInt8(i); break;
        case "u8": out[i] = view.getUint8(i); break;
        default: this.unsupported(node, `constant "${c.name}" has type ${c.dtype}`, "use float32 or integer constants");
      }
    }
    return out;
  }

  /** Logical (ONNX) shape of a value. */
  logicalShape(v: ImportValue): number[] {
    const s = this.tensors[v.tensor]!.shape;
    return v.layout === "nchw" ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
  }

  /** A new IR activation for an ONNX output, given its IR (stored) shape. */
  define(node: OnnxNode, k: number, irShape: number[], layout: ImportLayout): number {
    const name = node.outputs[k];
    if (!name) this.unsupported(node, `has no output ${k}`);
    const t = this.addTensor(name, irShape);
    this.values.set(name, { tensor: t, layout });
    return t;
  }

  /** Data-movement ops (reshape, pad) keep their input's element type and quantization. */
  inheritType(t: number, from: number): void {
    const src = this.tensors[from]!;
    this.tensors[t]!.dtype = src.dtype;
    if (src.quant) this.tensors[t]!.quant = src.quant;
  }

  alias(node: OnnxNode, v: ImportValue): void {
    const name = node.outputs[0];
    if (!name) this.unsupported(node, "has no output");
    this.values.set(name, v);
  }
}

export function intsAttr(node: OnnxNode, name: string, dflt: number[]): number[] {
  const a = node.attributes.get(name);
  return Array.isArray(a) ? a : dflt;
}

export function intAttr(node: OnnxNode, name: string, dflt: number): number {
  const a = node.attributes.get(name);
  return typeof a === "number" ? a : dflt;
}

export function floatAttr(node: OnnxNode, name: string, dflt: number): number {
  const a = node.attributes.get(name);
  if (typeof a === "number") return a;
  return a && typeof a === "object" && "float" in a ? a.float : dflt;
}

export function stringAttr(node: OnnxNode, name: string, dflt: string): string {
  const a = node.attributes.get(name);
  return typeof a === "string" ? a : dflt;
}
