import { FileFormatError, ShapeError } from "../errors/index.js";
import { requireOptional } from "./optional-package.js";

/**
 * ONNX Runtime (native CPU build from onnxruntime-node) as a peer: the native-speed baseline of the
 * engine benchmark, for models our IR can export to ONNX. Loaded lazily like every peer.
 */

const PEER = "onnxruntime-node";
const INSTALL = "ONNXRUNTIME_NODE_INSTALL=skip npm install -D onnxruntime-node@1.30";

export type OrtArray = Int8Array | Uint8Array | Int32Array | Float32Array;
export type OrtDType = "int8" | "uint8" | "int32" | "float32";

// The slice of onnxruntime-common's API we use.
interface OrtTensor {
  readonly data: OrtArray;
  readonly dims: readonly number[];
  readonly type: string;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  Tensor: new (type: OrtDType, data: OrtArray, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession>;
  };
}

export interface OrtInput {
  readonly data: OrtArray;
  readonly shape: readonly number[];
}

export class OnnxRuntimeSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly fileName: string,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** A single-threaded session (one intra-op and one inter-op thread), all graph optimizations on. */
  static async create(model: Uint8Array, fileName = "model.onnx"): Promise<OnnxRuntimeSession> {
    const ort = requireOptional<OrtModule>("onnxruntime-node", PEER, INSTALL);
    try {
      const session = await ort.InferenceSession.create(model, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
      return new OnnxRuntimeSession(ort, session, fileName);
    } catch (cause) {
      throw new FileFormatError(fileName, `onnxruntime refused the model: ${(cause as Error).message}`, "check the exported ONNX model's ops and opset");
    }
  }

  /** Runs once; inputs in the session's input order. Returns outputs in its output order. */
  async run(inputs: readonly OrtInput[]): Promise<OrtArray[]> {
    const names = this.session.inputNames;
    if (inputs.length !== names.length) {
      throw new ShapeError(`${this.fileName}: the model takes ${names.length} inputs, ${inputs.length} were given`, "pass one tensor per model input");
    }
    const feeds: Record<string, OrtTensor> = {};
    inputs.forEach((input, i) => {
      feeds[names[i]!] = new this.ort.Tensor(dtypeOf(input.data), input.data, input.shape);
    });
    const results = await this.session.run(feeds);
    return this.session.outputNames.map((name) => results[name]!.data);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function dtypeOf(data: OrtArray): OrtDType {
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int32Array) return "int32";
  return "float32";
}
