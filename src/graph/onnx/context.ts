/**
 * State of one ONNX export: the nodes and initializers emitted so far, and for each IR tensor the
 * ONNX value that holds it, in NHWC ("plain", as TFLite stores it) and/or NCHW (what ONNX's conv
 * and pool ops take). Layout changes are inserted on demand and cached, so a chain of convs stays
 * in NCHW and transposes appear only where an op needs the other layout.
 */
import { UnsupportedError } from "../../errors/index.js";
import { denseByteSize } from "../dtype.js";
import type { Graph, GraphDType, GraphTensor } from "../ir.js";
import { nodeProto, tensorProto, type AttributeValue } from "./onnx-proto.js";
import type { ProtoMessage } from "./protobuf.js";

export type Layout = "plain" | "nchw";

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

export class OnnxContext {
  readonly nodes: ProtoMessage[] = [];
  readonly initializers: ProtoMessage[] = [];
  private readonly values: Map<number, string>[] = [new Map(), new Map()];
  private readonly cached = new Map<string, string>();
  private counter = 0;

  constructor(readonly graph: Graph) {}

  tensor(i: number): GraphTensor {
    return this.graph.tensors[i]!;
  }

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttributeValue> = {}, domain = ""): void {
    this.nodes.push(nodeProto(opType, inputs, outputs, `${opType}_${this.nodes.length}`, attrs, domain));
  }

  /** One node with a fresh output name; returns that name. */
  apply(opType: string, inputs: string[], attrs: Record<string, AttributeValue> = {}, domain = ""): string {
    const out = this.fresh(opType.toLowerCase());
    this.node(opType, inputs, [out], attrs, domain);
    return out;
  }

  initializer(hint: string, dtype: GraphDType, dims: readonly number[], raw: Uint8Array): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, dtype, dims, raw));
    return name;
  }

  /** Small constants (scales, shapes) are shared by value. */
  constant(dtype: GraphDType, dims: readonly number[], values: readonly number[]): string {
    const key = `${dtype}|${dims.join(",")}|${values.join(",")}`;
    let name = this.cached.get(key);
    if (!name) {
      name = this.initializer("c", dtype, dims, encode(dtype, values));
      this.cached.set(key, name);
    }
    return name;
  }

  /** The name an op should give IR tensor i's value in a layout (records it). */
  define(i: number, layout: Layout): string {
    const name = layout === "plain" ? `t${i}` : `t${i}_nchw`;
    this.values[layout === "plain" ? 0 : 1]!.set(i, name);
    return name;
  }

  /** Records that `name` (already produced) holds IR tensor i in a layout. */
  bind(i: number, layout: Layout, name: string): void {
    this.values[layout === "plain" ? 0 : 1]!.set(i, name);
  }

  has(i: number, layout: Layout): boolean {
    return this.values[layout === "plain" ? 0 : 1]!.has(i);
  }

  /** IR tensor i in the layout asked for (NCHW only applies to rank-4 tensors). */
  value(i: number, layout: Layout): string {
    const t = this.tensor(i);
    const want: Layout = layout === "nchw" && t.shape.length === 4 ? "nchw" : "plain";
    const known = this.values[want === "plain" ? 0 : 1]!.get(i);
    if (known) return known;
    if (t.data) {
      const name = want === "plain" ? this.initializer(`w${i}`, t.dtype, t.shape, t.data) : this.permutedConstant(t, TO_NCHW);
      this.bind(i, want, name);
      return name;
    }
    const other = this.values[want === "plain" ? 1 : 0]!.get(i);
    if (!other) throw new Error(`internal: tensor ${i} used before it is defined`);
    const out = this.define(i, want);
    this.node("Transpose", [other], [out], { perm: want === "plain" ? TO_NHWC : TO_NCHW });
    return out;
  }

  /** The layout tensor i already has (NCHW preferred), without inserting a transpose. */
  currentLayout(i: number): Layout {
    return this.has(i, "nchw") ? "nchw" : "plain";
  }

  permutedConstant(t: GraphTensor, perm: readonly number[], dtype = t.dtype, data = t.data!): string {
    const { shape, bytes } = permute(data, t.shape, perm, denseByteSize(dtype, [1]));
    return this.initializer(`w${t.index}`, dtype, shape, bytes);
  }
}

/** Reorders a row-major tensor's axes: out axis k is input axis perm[k]. */
export function permute(data: Uint8Array, shape: readonly number[], perm: readonly number[], elementBytes: number) {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const outStrides = strides(outShape);
  const count = outShape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(count * elementBytes);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < count; o++) {
    let rem = o;
    let src = 0;
    for (let k = 0; k < outShape.length; k++) {
      idx[k] = Math.floor(rem / outStrides[k]!);
      rem -= idx[k]! * outStrides[k]!;
      src += idx[k]! * inStrides[perm[k]!]!;
    }
    for (let b = 0; b < elementBytes; b++) bytes[o * elementBytes + b] = data[src * elementBytes + b]!;
  }
  return { shape: outShape, bytes };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

function encode(dtype: GraphDType, values: readonly number[]): Uint8Array {
  const size = denseByteSize(dtype, [values.length]);
  const view = new DataView(new ArrayBuffer(size));
  values.forEach((v, i) => {
    if (dtype === "f32") view.setFloat32(4 * i, v, true);
    else if (dtype === "i64") view.setBigInt64(8 * i, BigInt(v), true);
    else if (dtype === "i32") view.setInt32(4 * i, v, true);
    else if (dtype === "i8") view.setInt8(i, v);
    else if (dtype === "u8") view.setUint8(i, v);
    else if (dtype === "i16") view.setInt16(2 * i, v, true);
    else throw new UnsupportedError(`ONNX export cannot write ${dtype} constants`, "use float32 or int8/uint8/int16/int32/int64 tensors");
  });
  return new Uint8Array(view.buffer);
}
