/**
 * Appends tensors and ops to a graph under construction, so the lowering code reads as a list of layers
 * rather than index bookkeeping. Constants are stored little-endian like a .tflite buffer.
 */
import type { Graph, GraphDType, GraphOp, GraphTensor, OpOptions } from "../graph/index.js";

export class GraphBuilder {
  readonly tensors: GraphTensor[] = [];
  readonly ops: GraphOp[] = [];

  activation(name: string, shape: number[], dtype: GraphDType = "f32"): number {
    const index = this.tensors.length;
    this.tensors.push({ index, name, shape: [...shape], dtype });
    return index;
  }

  constF32(name: string, shape: number[], values: ArrayLike<number>): number {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
    const index = this.activation(name, shape, "f32");
    this.tensors[index]!.data = bytes;
    return index;
  }

  constI32(name: string, shape: number[], values: ArrayLike<number>): number {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setInt32(4 * i, values[i]!, true);
    const index = this.activation(name, shape, "i32");
    this.tensors[index]!.data = bytes;
    return index;
  }

  op(kind: string, options: OpOptions, inputs: number[], outputs: number[]): void {
    this.ops.push({ index: this.ops.length, kind, version: 1, inputs, outputs, options });
  }

  build(inputs: number[], outputs: number[], description: string): Graph {
    return { tensors: this.tensors, ops: this.ops, inputs, outputs, name: "main", description, version: 3, metadata: [], signatures: [] };
  }
}
