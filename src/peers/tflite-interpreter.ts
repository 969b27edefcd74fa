import { readFileSync } from "node:fs";
import { FileFormatError, ShapeError } from "../errors/index.js";
import { requireOptional, resolveOptional } from "./optional-package.js";

/**
 * TFLite's own interpreter, compiled to WebAssembly by the @tensorflow/tfjs-tflite package, used as a
 * peer: the speed baseline for the engine benchmark and an oracle (up to XNNPACK's 1 LSB) for tests and
 * `dietml compare`. We drive the Emscripten module directly instead of the package's tfjs wrapper, so
 * no tfjs-core is needed and inputs/outputs are raw typed arrays.
 */

const PEER = "@tensorflow/tfjs-tflite";
const INSTALL = "npm install -D @tensorflow/tfjs-tflite@0.0.1-alpha.10";
const FACTORY = "@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.js";
const BINARY = "@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.wasm";

/** The typed array a tensor's bytes are viewed as, by TFLite dtype name. */
export type PeerArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** One input or output of the interpreter. `index` is the tensor's index in the model's subgraph. */
export interface PeerTensorInfo {
  readonly name: string;
  readonly index: number;
  /** TFLite's dtype name: "int8", "uint8", "int32", "float32", ... */
  readonly dtype: string;
  readonly shape: readonly number[];
}

// The slice of the Emscripten/embind API we use (see DESIGN.md "Peers").
interface EmbindTensor {
  data(): PeerArray;
  id: number;
  name: string;
  dataType: string;
  shape: string;
  delete(): void;
}
interface EmbindVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface EmbindRunner {
  GetInputs(): EmbindVector<EmbindTensor>;
  GetOutputs(): EmbindVector<EmbindTensor>;
  Infer(): boolean;
  delete(): void;
}
interface EmbindStatusOr {
  ok(): boolean;
  value(): EmbindRunner;
  errorMessage(): string;
  delete(): void;
}
interface TfliteWasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      ptr: number,
      length: number,
      options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number },
    ): EmbindStatusOr;
  };
}
type ModuleFactory = (overrides: Record<string, unknown>) => Promise<TfliteWasmModule>;

// One WebAssembly instance per process: instantiating it costs ~100 ms and every model can share it.
let modulePromise: Promise<TfliteWasmModule> | undefined;

function loadModule(): Promise<TfliteWasmModule> {
  if (!modulePromise) {
    const factory = requireOptional<ModuleFactory>(FACTORY, PEER, INSTALL);
    const wasmBinary = readFileSync(resolveOptional(BINARY, PEER, INSTALL));
    modulePromise = factory({
      wasmBinary,
      print: () => {},
      // The runtime logs "INFO: Created TensorFlow Lite XNNPACK delegate" on every model; keep real errors.
      printErr: (line: string) => {
        if (!line.startsWith("INFO:")) process.stderr.write(`[tflite] ${line}\n`);
      },
    });
  }
  return modulePromise;
}

/** True when the TFLite WASM peer can be loaded (tests and benches skip it otherwise). */
export function tfliteInterpreterAvailable(): boolean {
  try {
    resolveOptional(FACTORY, PEER, INSTALL);
    return true;
  } catch {
    return false;
  }
}

function readTensorInfo(tensor: EmbindTensor): PeerTensorInfo {
  return {
    name: tensor.name,
    index: tensor.id,
    dtype: tensor.dataType,
    shape: tensor.shape === "" ? [] : tensor.shape.split(",").map(Number),
  };
}

function byteView(array: PeerArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export interface TfliteInterpreterOptions {
  /** Threads for the interpreter; we load the non-threaded SIMD build, so 1 is all it can use. */
  readonly numThreads?: number;
  /** Used in error messages. */
  readonly fileName?: string;
}

export class TfliteInterpreter {
  readonly inputs: readonly PeerTensorInfo[];
  readonly outputs: readonly PeerTensorInfo[];
  private readonly inputTensors: EmbindTensor[];
  private readonly outputTensors: EmbindTensor[];
  private disposed = false;

  private constructor(
    private readonly module: TfliteWasmModule,
    private readonly runner: EmbindRunner,
    private readonly modelPtr: number,
    private readonly fileName: string,
  ) {
    this.inputTensors = drain(runner.GetInputs());
    this.outputTensors = drain(runner.GetOutputs());
    this.inputs = this.inputTensors.map(readTensorInfo);
    this.outputs = this.outputTensors.map(readTensorInfo);
  }

  /** Builds an interpreter for a .tflite flatbuffer. The bytes are copied into the WASM heap. */
  static async create(model: Uint8Array, options: TfliteInterpreterOptions = {}): Promise<TfliteInterpreter> {
    const module = await loadModule();
    const fileName = options.fileName ?? "model.tflite";
    const ptr = module._malloc(model.byteLength);
    module.HEAPU8.set(model, ptr);
    let status: EmbindStatusOr;
    try {
      status = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, model.byteLength, {
        numThreads: options.numThreads ?? 1,
        enableProfiling: false,
        maxProfilingBufferEntries: 1024,
      });
    } catch (cause) {
      throw runtimeCrash(fileName, "loading", cause);
    }
    if (!status.ok()) {
      const message = status.errorMessage();
      status.delete();
      module._free(ptr);
      throw new FileFormatError(
        fileName,
        `the TFLite interpreter refused the model: ${message}`,
        "check that the file is a valid .tflite flatbuffer whose ops the TFLite runtime supports",
      );
    }
    const runner = status.value();
    status.delete();
    return new TfliteInterpreter(module, runner, ptr, fileName);
  }

  /** Copies one input's raw bytes (little-endian, in the tensor's dtype) into the interpreter. */
  setInput(index: number, data: PeerArray | Uint8Array): void {
    this.assertLive();
    const tensor = this.tensorAt(this.inputTensors, index, "input");
    const target = byteView(tensor.data());
    const source = byteView(data);
    if (source.byteLength !== target.byteLength) {
      const info = this.inputs[index]!;
      throw new ShapeError(
        `${this.fileName}: input ${index} (${info.name}) takes ${target.byteLength} bytes ` +
          `(${info.dtype} [${info.shape.join(",")}]) but ${source.byteLength} were given`,
        "give a raw little-endian tensor of exactly the input's dtype and shape",
      );
    }
    target.set(source);
  }

  /** Runs one inference on the inputs set so far. */
  invoke(): void {
    this.assertLive();
    let ok: boolean;
    try {
      ok = this.runner.Infer();
    } catch (cause) {
      throw runtimeCrash(this.fileName, "running", cause);
    }
    if (!ok) {
      throw new FileFormatError(this.fileName, "the TFLite interpreter failed to run the model", "run `dietml inspect` on the model to check its ops and shapes");
    }
  }

  /** A copy of output `index` as a typed array of its dtype (heap views go stale when the heap grows). */
  output(index: number): PeerArray {
    this.assertLive();
    return this.tensorAt(this.outputTensors, index, "output").data().slice();
  }

  /** Convenience: set every input, invoke, return copies of every output. */
  run(inputs: readonly (PeerArray | Uint8Array)[]): PeerArray[] {
    inputs.forEach((data, i) => this.setInput(i, data));
    this.invoke();
    return this.outputs.map((_, i) => this.output(i));
  }

  /** Frees the runner and the model's copy in the WASM heap. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of [...this.inputTensors, ...this.outputTensors]) t.delete();
    this.runner.delete();
    this.module._free(this.modelPtr);
  }

  private tensorAt(list: EmbindTensor[], index: number, kind: string): EmbindTensor {
    const tensor = list[index];
    if (!tensor) {
      throw new ShapeError(`${this.fileName}: the model has ${list.length} ${kind}s, there is no ${kind} ${index}`, `use an ${kind} index below ${list.length}`);
    }
    return tensor;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error("TfliteInterpreter used after dispose()");
  }
}

/**
 * An Emscripten abort (a trap inside the C++ runtime) leaves the instance unusable: drop it so the next
 * interpreter starts a fresh one, and report the model as the cause.
 */
function runtimeCrash(fileName: string, phase: string, cause: unknown): FileFormatError {
  modulePromise = undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new FileFormatError(fileName, `the TFLite runtime crashed while ${phase} the model: ${message}`, "check the model with `dietml inspect`; the file may be corrupt");
}

function drain<T>(vector: EmbindVector<T>): T[] {
  const items: T[] = [];
  for (let i = 0; i < vector.size(); i++) items.push(vector.get(i));
  vector.delete();
  return items;
}
