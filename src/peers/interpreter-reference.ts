import { writeTflite, type Graph } from "../graph/index.js";
import { exposeIntermediates } from "./expose-intermediates.js";
import { TfliteInterpreter, type PeerArray } from "./tflite-interpreter.js";

/**
 * Every tensor the TFLite interpreter computes for an input, keyed by the graph's tensor index: the
 * reference side of a layer-by-layer comparison. Built from the all-outputs copy of the graph (see
 * expose-intermediates.ts), written with our .tflite writer.
 */
export class InterpreterReference {
  private constructor(
    private readonly interpreter: TfliteInterpreter,
    private readonly graph: Graph,
    private readonly exposedTensors: readonly number[],
  ) {}

  static async create(graph: Graph, fileName = "model.tflite"): Promise<InterpreterReference> {
    const exposed = exposeIntermediates(graph);
    const interpreter = await TfliteInterpreter.create(writeTflite(exposed.graph), { fileName: `${fileName} (all-outputs copy)` });
    return new InterpreterReference(interpreter, graph, exposed.exposedTensors);
  }

  /** Runs the interpreter; the map holds the graph inputs and every op output. Inputs are arrays of their dtype. */
  run(inputs: readonly PeerArray[]): Map<number, PeerArray> {
    const outputs = this.interpreter.run(inputs);
    const values = new Map<number, PeerArray>();
    this.graph.inputs.forEach((t, i) => values.set(t, inputs[i]!.slice()));
    this.exposedTensors.forEach((t, k) => values.set(t, outputs[k]!));
    return values;
  }

  dispose(): void {
    this.interpreter.dispose();
  }
}
