/**
 * The executor: `prepareModel(graph)` validates the graph, picks a kernel for every op, computes each
 * kernel's constants once and binds its arrays; `invoke` then only runs the eval loops in order.
 */
import { ArgumentError, DietmlError, FileFormatError, ShapeError, UnsupportedError } from "../errors/index.js";
import { constantAsFloat32, constantAsInt32, constantAsInt8, denseByteSize, hasFixedSize, validateGraph, type Graph, type GraphTensor } from "../graph/index.js";
import { PrepareContext } from "./context.js";
import { weightsAsInt8 } from "./packed-constants.js";
import "./ops/index.js";
import { findKernel, supportedOps, type OpIo, type OpKernel } from "./registry.js";
import { defaultStorage, MAX_ACTIVATION_BYTES, type ActivationArray, type StorageFactory, type TensorStorage } from "./storage.js";

export interface PrepareOptions {
  /** Where activations live; defaults to `defaultStorage()` (one buffer per tensor, or WASM-resident int8 with the fast kernels). */
  storage?: StorageFactory;
  /** File name used in error messages. */
  source?: string;
}

interface Step {
  opIndex: number;
  kind: string;
  kernel: OpKernel;
  params: unknown;
  /** Bound on first invoke, so a model that is only inspected never allocates activations. */
  io: OpIo | null;
}

/** An activation captured after the op that wrote it (for layer-by-layer comparison). */
export interface CapturedTensor {
  opIndex: number;
  opKind: string;
  tensor: GraphTensor;
  data: ActivationArray;
}

export interface InvokeResult {
  outputs: ActivationArray[];
  /** Present when invoked with `capture: true`: every op output, in execution order. */
  intermediates?: CapturedTensor[];
}

export class CompiledModel {
  private storage: TensorStorage | null = null;
  private readonly constants = new Map<number, ActivationArray | null>();

  constructor(
    readonly graph: Graph,
    private readonly steps: Step[],
    private readonly storageFactory: StorageFactory,
    readonly inputTensors: GraphTensor[],
    readonly outputTensors: GraphTensor[],
  ) {}

  /** Activation bytes held by the storage (0 until the first invoke allocates it). */
  get activationBytes(): number {
    return this.storage?.bytes ?? 0;
  }

  /** Allocates activations and binds every op's arrays (done once, by the first invoke). */
  private bind(): TensorStorage {
    if (this.storage) return this.storage;
    const storage = this.storageFactory(this.graph);
    const tensors = this.graph.tensors;
    for (const step of this.steps) {
      const op = this.graph.ops[step.opIndex]!;
      step.io = {
        inputs: op.inputs.map((t) => (t < 0 ? null : this.arrayOf(storage, tensors[t]!))),
        outputs: op.outputs.map((t) => storage.viewOf(tensors[t]!)),
      };
    }
    this.storage = storage;
    return storage;
  }

  private arrayOf(storage: TensorStorage, t: GraphTensor): ActivationArray | null {
    if (!t.data) return storage.viewOf(t);
    if (!this.constants.has(t.index)) this.constants.set(t.index, decodeConstant(t));
    return this.constants.get(t.index)!;
  }

  /** Runs the model; outputs are fresh copies the caller may keep. */
  invoke(inputs: readonly ArrayLike<number>[], options: { capture?: boolean } = {}): InvokeResult {
    const storage = this.bind();
    this.writeInputs(storage, inputs);
    const intermediates: CapturedTensor[] | undefined = options.capture ? [] : undefined;
    for (const step of this.steps) {
      const io = step.io!;
      step.kernel.eval(step.params, io);
      if (intermediates) {
        const op = this.graph.ops[step.opIndex]!;
        op.outputs.forEach((t, i) => {
          intermediates.push({ opIndex: step.opIndex, opKind: step.kind, tensor: this.graph.tensors[t]!, data: io.outputs[i]!.slice() });
        });
      }
    }
    const outputs = this.outputTensors.map((t) => (this.arrayOf(storage, t) ?? new Float32Array(0)).slice());
    return intermediates ? { outputs, intermediates } : { outputs };
  }

  /**
   * Runs one op in isolation on the given values of its non-constant inputs (in the op's input order)
   * and returns copies of its outputs: a layer-by-layer comparison feeds every layer the reference's
   * inputs this way, so differences do not compound.
   */
  runOp(opIndex: number, inputs: readonly ArrayLike<number>[]): ActivationArray[] {
    const step = this.steps.find((s) => s.opIndex === opIndex);
    if (!step) throw new ArgumentError(`the model has no op ${opIndex}`, `pass an op index from 0 to ${this.steps.length - 1}`);
    this.bind();
    const op = this.graph.ops[opIndex]!;
    const variable = op.inputs.filter((t) => t >= 0 && !this.graph.tensors[t]!.data);
    if (inputs.length !== variable.length) {
      throw new ArgumentError(`op ${opIndex} (${op.kind}) reads ${variable.length} non-constant tensor(s), got ${inputs.length}`, "pass one array per non-constant input");
    }
    const io = step.io!;
    let k = 0;
    op.inputs.forEach((t, i) => {
      if (t < 0 || this.graph.tensors[t]!.data) return;
      const dst = io.inputs[i]!;
      const src = inputs[k++]!;
      if (src.length !== dst.length) {
        throw new ShapeError(`op ${opIndex} (${op.kind}) input ${i} needs ${dst.length} values, got ${src.length}`, "pass the tensor's full contents");
      }
      dst.set(src);
    });
    step.kernel.eval(step.params, io);
    return io.outputs.map((o) => o.slice());
  }

  private writeInputs(storage: TensorStorage, inputs: readonly ArrayLike<number>[]): void {
    if (inputs.length !== this.inputTensors.length) {
      throw new ArgumentError(`the model takes ${this.inputTensors.length} input(s), got ${inputs.length}`, "pass one array per model input");
    }
    this.inputTensors.forEach((t, i) => {
      const src = inputs[i]!;
      const dst = storage.viewOf(t);
      if (src.length !== dst.length) {
        throw new ShapeError(
          `input ${i} ("${t.name}", [${t.shape.join(", ")}] ${t.dtype}) needs ${dst.length} values, got ${src.length}`,
          "pass raw values in the input tensor's shape and type",
        );
      }
      checkInputValues(i, t, src);
      dst.set(src);
    });
  }
}

const ARRAY_FOR: Record<string, string> = { f32: "Float32Array", i8: "Int8Array", i32: "Int32Array" };

/** Typed arrays must match the input's dtype; plain arrays must hold values the dtype can represent. */
function checkInputValues(i: number, t: GraphTensor, src: ArrayLike<number>): void {
  const want = ARRAY_FOR[t.dtype];
  const typed = ArrayBuffer.isView(src);
  if (typed && src.constructor.name !== want) {
    throw new ArgumentError(
      `input ${i} ("${t.name}") is ${t.dtype} but a ${src.constructor.name} was given`,
      `pass a ${want ?? t.dtype} (raw input bytes can be viewed as one: new ${want ?? "Int8Array"}(bytes.buffer))`,
    );
  }
  if (typed || t.dtype === "f32") return;
  const [lo, hi] = t.dtype === "i8" ? [-128, 127] : [-2147483648, 2147483647];
  for (let k = 0; k < src.length; k++) {
    const v = src[k]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new ArgumentError(`input ${i} ("${t.name}") element ${k} is ${v}, not an ${t.dtype} value`, `pass integers in [${lo}, ${hi}]`);
    }
  }
}

function decodeConstant(t: GraphTensor): ActivationArray | null {
  switch (t.dtype) {
    case "i8":
      return constantAsInt8(t);
    case "i4":
    case "i2":
      return weightsAsInt8(t);
    case "i32":
      return constantAsInt32(t);
    case "f32":
      return constantAsFloat32(t);
    default:
      return null;
  }
}

/** The dtype that selects an op's kernel: its first present input's type. */
function kernelDType(graph: Graph, opIndex: number): string {
  const op = graph.ops[opIndex]!;
  const first = op.inputs.find((t) => t >= 0);
  return first === undefined ? "none" : graph.tensors[first]!.dtype;
}

function checkActivationBudget(graph: Graph, source: string): void {
  let bytes = 0;
  for (const t of graph.tensors) {
    if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new FileFormatError(source, `tensor ${t.index} "${t.name}" has shape [${t.shape.join(", ")}]; dimensions must be non-negative integers`, "the model is malformed; re-export it");
    }
    if (t.data || !hasFixedSize(t.dtype)) continue;
    bytes += denseByteSize(t.dtype, t.shape);
    if (bytes > MAX_ACTIVATION_BYTES) {
      throw new UnsupportedError(
        `the model's activations need more than ${MAX_ACTIVATION_BYTES} bytes (tensor ${t.index} "${t.name}" is [${t.shape.join(", ")}])`,
        "this engine targets microcontroller-sized models; check the model's shapes",
      );
    }
  }
}

/** Validates the graph and compiles it; throws typed errors (never crashes) on a bad or unsupported graph. */
export function prepareModel(graph: Graph, options: PrepareOptions = {}): CompiledModel {
  const source = options.source ?? "graph";
  validateGraph(graph, source);
  checkActivationBudget(graph, source);
  const steps: Step[] = [];
  for (const op of graph.ops) {
    const dtype = kernelDType(graph, op.index);
    const kernel = findKernel(op.kind, dtype);
    if (!kernel) {
      const name = op.kind === "CUSTOM" ? `CUSTOM (${op.customCode ?? "unnamed"})` : op.kind;
      throw new UnsupportedError(
        `op ${op.index} (${name}) with ${dtype} input is not supported`,
        `supported ops: ${supportedOps()}`,
      );
    }
    const ctx = new PrepareContext(graph, op, source);
    let params: unknown;
    try {
      params = kernel.prepare(ctx);
    } catch (e) {
      throw namedError(e, `op ${op.index} (${op.kind})`);
    }
    steps.push({ opIndex: op.index, kind: op.kind, kernel, params, io: null });
  }
  const activationTypes = ["f32", "i8", "i32"];
  for (const t of graph.inputs.map((i) => graph.tensors[i]!)) {
    if (!activationTypes.includes(t.dtype)) {
      throw new UnsupportedError(`graph input tensor ${t.index} "${t.name}" has type ${t.dtype}`, "the engine takes f32, i8 and i32 inputs");
    }
  }
  const inputTensors = graph.inputs.map((t) => graph.tensors[t]!);
  const outputTensors = graph.outputs.map((t) => graph.tensors[t]!);
  return new CompiledModel(graph, steps, options.storage ?? defaultStorage(), inputTensors, outputTensors);
}

/** Makes sure an error from a kernel's prepare names the op; non-dietml errors become typed ones. */
function namedError(e: unknown, where: string): DietmlError {
  if (e instanceof DietmlError) {
    if (!e.message.startsWith("op ")) e.message = `${where}: ${e.message}`;
    return e;
  }
  const message = e instanceof Error ? e.message : String(e);
  return new UnsupportedError(`${where}: cannot prepare this op: ${message}`, "the op's parameters are outside what the engine supports; check the model");
}
