/**
 * `dietml compare`: layer-by-layer comparison of our engine against TFLite's interpreter or a float model,
 * naming the first layer that diverges and by how much ("why does my int8 output differ?").
 */
import type { Command } from "commander";
import { prepareModel } from "../../engine/index.js";
import { ArgumentError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import { FloatReference } from "../../peers/float-reference.js";
import { InterpreterReference } from "../../peers/interpreter-reference.js";
import {
  firstDifference,
  firstDivergence,
  LayerComparer,
  sampleQuantOf,
  type LayerComparison,
  type ReferenceTensor,
} from "../../peers/layer-compare.js";
import type { DiffTolerance, TensorDiff } from "../../peers/tensor-diff.js";
import { printResult, type CliIo } from "../io.js";
import { parseChoice, parseNonNegativeNumber } from "../options.js";
import { loadModelFile } from "./model-file.js";
import { readModelInput } from "./tensor-files.js";

const AGAINST = ["tflite", "float"] as const;
type Against = (typeof AGAINST)[number];

interface CompareOptions {
  input: string[];
  against: Against;
  floatModel?: string;
  tolerance?: number;
  json: boolean;
}

/** Default tolerance in LSB: TFLite's XNNPACK path may round 1 LSB differently; float vs int8 is quantization error. */
const DEFAULT_LSB: Record<Against, number> = { tflite: 1, float: 2 };
/** Float tensors: relative to the tensor's largest magnitude. */
const FLOAT_RELATIVE = 1e-5;
const NAME_WIDTH = 48;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerCompare(program: Command, io: CliIo): void {
  program
    .command("compare")
    .description("compare our engine layer by layer with the TFLite interpreter or the float model; name the first layer that diverges")
    .argument("<model>", "the .tflite file")
    .requiredOption("--input <file>", "input tensor: raw bytes in the input's dtype, or .npy (repeat per model input)", collect)
    .option("--against <reference>", `reference: ${AGAINST.join(" or ")}`, parseChoice("--against", AGAINST), "tflite")
    .option("--float-model <file>", "with --against float: the float32 .tflite the int8 model was quantized from")
    .option("--tolerance <lsb>", "differences up to this many LSB are not a divergence (default 1 for tflite, 2 for float)", parseNonNegativeNumber("--tolerance"))
    .option("--json", "print one JSON object on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml compare vww_96_int8.tflite --input image.bin
  $ dietml compare vww_96_int8.tflite --input image.bin --against float --float-model vww_96_float.tflite --json

For each layer it shows the largest difference of our full run from the reference ("max diff") and of the
layer alone, fed the reference's own inputs ("own diff"): a layer with a large max diff but a small own diff
only passes on rounding from the layers before it. --against tflite needs the optional peer
@tensorflow/tfjs-tflite.`,
    )
    .action(async (model: string, opts: CompareOptions) => {
      await runCompare(model, opts, io);
    });
}

interface LayerReport extends Omit<LayerComparison, "propagated" | "isolated"> {
  propagated: TensorDiff;
  isolated?: TensorDiff;
}

async function runCompare(path: string, opts: CompareOptions, io: CliIo): Promise<void> {
  const file = loadModelFile(path);
  const graph = file.graph;
  const model = prepareModel(graph, { source: path });
  if (opts.input.length !== model.inputTensors.length) {
    throw new ArgumentError(
      `the model has ${model.inputTensors.length} input(s) but ${opts.input.length} --input file(s) were given`,
      "pass --input once per model input",
    );
  }
  const inputs = opts.input.map((f, i) => readModelInput(f, model.inputTensors[i]!));
  const lsb = opts.tolerance ?? DEFAULT_LSB[opts.against];
  const tolerance: DiffTolerance = { lsb, abs: 0, rel: FLOAT_RELATIVE };

  let reference: Map<number, ReferenceTensor>;
  let referenceName: string;
  if (opts.against === "tflite") {
    const interpreter = await InterpreterReference.create(graph, path);
    try {
      reference = new Map();
      for (const [t, v] of interpreter.run(inputs)) reference.set(t, { values: v, quant: sampleQuantOf(graph.tensors[t]!) });
    } finally {
      interpreter.dispose();
    }
    referenceName = "TFLite WASM interpreter (@tensorflow/tfjs-tflite, XNNPACK)";
  } else {
    if (opts.floatModel === undefined) {
      throw new ArgumentError("--against float needs the float model", "pass --float-model <the float32 .tflite the int8 model came from>");
    }
    const floatFile = loadModelFile(opts.floatModel);
    reference = FloatReference.create(graph, floatFile.graph, opts.floatModel).run(inputs);
    referenceName = `float model ${opts.floatModel} on the dietml engine`;
  }

  const comparer = new LayerComparer(graph, model, { tolerance, isolate: true });
  const layers = comparer.compare(inputs, reference);
  const divergence = firstDivergence(layers);
  const difference = firstDifference(layers);
  const ownCulprit = layers.find((l) => l.isolated !== undefined && l.isolated.mismatches > 0);
  const verdict = describeVerdict(graph, divergence, ownCulprit, lsb, layers.length);
  const json = {
    model: path,
    against: opts.against,
    reference: referenceName,
    tolerance: { lsb, floatRelative: FLOAT_RELATIVE },
    layers: layers as LayerReport[],
    firstDifference: difference ? brief(difference) : null,
    firstDivergence: divergence ? brief(divergence) : null,
    firstOwnDivergence: ownCulprit ? brief(ownCulprit) : null,
    verdict,
  };
  printResult(io, opts.json, json, [`${path} against ${referenceName}`, ...table(layers), verdict]);
}

function brief(l: LayerComparison): object {
  return {
    op: l.op,
    kind: l.kind,
    name: l.name,
    maxAbsDiff: l.propagated.maxAbsDiff,
    ...(l.propagated.maxLsbDiff !== undefined ? { maxLsbDiff: l.propagated.maxLsbDiff } : {}),
    mismatches: l.propagated.mismatches,
    elements: l.propagated.elements,
    ...(l.propagated.outOfRange !== undefined ? { outOfRange: l.propagated.outOfRange } : {}),
    ...(l.isolated ? { ownMaxDiff: amount(l.isolated) } : {}),
  };
}

/** The size of a difference in the unit the user reads: LSB for quantized tensors, absolute for float. */
function amount(d: TensorDiff): number {
  return d.maxLsbDiff ?? d.maxAbsDiff;
}

function unit(d: TensorDiff): string {
  return d.maxLsbDiff !== undefined ? "LSB" : "";
}

function formatAmount(d: TensorDiff): string {
  const v = amount(d);
  const text = Number.isInteger(v) ? String(v) : v.toPrecision(3);
  return unit(d) ? `${text} ${unit(d)}` : text;
}

function shorten(name: string): string {
  return name.length <= NAME_WIDTH ? name : `${name.slice(0, NAME_WIDTH - 3)}...`;
}

function table(layers: LayerComparison[]): string[] {
  const rows = [["#", "op", "output", "max diff", "beyond tol.", "own diff", "rel. error"]];
  for (const l of layers) {
    rows.push([
      String(l.op),
      l.kind,
      `${shorten(l.name)} [${l.shape.join("x")}]`,
      formatAmount(l.propagated),
      `${l.propagated.mismatches}/${l.propagated.elements}${l.propagated.outOfRange ? ` (${l.propagated.outOfRange} sat.)` : ""}`,
      l.isolated ? formatAmount(l.isolated) : "-",
      l.propagated.relativeError.toExponential(2),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd());
}

function describeVerdict(
  graph: Graph,
  divergence: LayerComparison | undefined,
  ownCulprit: LayerComparison | undefined,
  lsb: number,
  layerCount: number,
): string {
  if (!divergence) return `all ${layerCount} layers agree with the reference within the tolerance (${lsb} LSB for int8, ${FLOAT_RELATIVE} relative for float)`;
  const d = divergence.propagated;
  const where = (l: LayerComparison) => `op ${l.op} (${l.kind}) "${shorten(l.name)}"`;
  const first =
    `first layer that diverges: ${where(divergence)}: max difference ${formatAmount(d)}, ` +
    `${d.mismatches} of ${d.elements} elements beyond the tolerance`;
  if (!ownCulprit) {
    return `${first}.\nFed the reference's own inputs, every layer agrees within the tolerance: the differences are rounding accumulated across layers, not a layer computing differently.`;
  }
  const own = ownCulprit.isolated!;
  const kind = graph.ops[ownCulprit.op]?.kind ?? ownCulprit.kind;
  const saturation = own.outOfRange
    ? ` ${own.outOfRange} of its reference values lie outside the range its int8 output can represent (saturation): ` +
      "the input is outside the calibration data's range, or the quantization range is too narrow."
    : "";
  return `${first}.\nThe first layer that differs on its own (fed the reference's inputs) is ${where(ownCulprit)}: ${formatAmount(own)} (${own.mismatches} elements beyond the tolerance); look at this ${kind} first.${saturation}`;
}
