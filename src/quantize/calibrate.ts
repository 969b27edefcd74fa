/**
 * Calibration: run the float graph on representative inputs in our engine and record every activation
 * tensor's range. "minmax" keeps the observed extremes; "percentile" and "mse" take a second pass that
 * fills a histogram over those extremes and pick a clipped range from it (see histogram.ts).
 */
import { ShapeError } from "../errors/index.js";
import { prepareModel } from "../engine/index.js";
import { elementCount, type Graph } from "../graph/index.js";
import { addToHistogram, emptyHistogram, mseRange, percentileRange, type Histogram } from "./histogram.js";

export type CalibrationMethod = "minmax" | "percentile" | "mse";
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ["minmax", "percentile", "mse"];

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** For "percentile": the share of values kept inside the range (default 99.99). */
  percentile?: number;
}

/** Tensor index -> [min, max] real range. */
export type Ranges = Map<number, [number, number]>;

/** Each capture pass visits the graph input and every op output. */
function forEachActivation(graph: Graph, inputs: readonly Float32Array[], visit: (tensor: number, values: Float32Array) => void): void {
  const model = prepareModel(graph);
  const inputIndex = graph.inputs[0]!;
  for (const x of inputs) {
    visit(inputIndex, x);
    const { intermediates } = model.invoke([x], { capture: true });
    for (const c of intermediates!) visit(c.tensor.index, c.data as Float32Array);
  }
}

export function checkCalibrationInputs(graph: Graph, inputs: readonly Float32Array[], source = "calibration data"): void {
  const t = graph.tensors[graph.inputs[0]!]!;
  const need = elementCount(t.shape);
  if (inputs.length === 0) throw new ShapeError(`${source} is empty`, "give at least one representative input (a few hundred is typical)");
  inputs.forEach((x, i) => {
    if (x.length !== need) {
      throw new ShapeError(
        `${source}: example ${i} has ${x.length} values but the model input "${t.name}" is [${t.shape.join(", ")}] (${need} values)`,
        "give calibration examples of exactly the model's input shape (same height, width and channels, NHWC)",
      );
    }
  });
}

export function calibrate(graph: Graph, inputs: readonly Float32Array[], opts: CalibrationOptions = {}): Ranges {
  checkCalibrationInputs(graph, inputs);
  const method = opts.method ?? "minmax";
  const ranges: Ranges = new Map();
  forEachActivation(graph, inputs, (t, values) => {
    const r = ranges.get(t) ?? [Infinity, -Infinity];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < r[0]) r[0] = v;
      if (v > r[1]) r[1] = v;
    }
    ranges.set(t, r);
  });
  if (method === "minmax") return ranges;
  const hists = new Map<number, Histogram>();
  for (const [t, [lo, hi]] of ranges) hists.set(t, emptyHistogram(lo, hi));
  forEachActivation(graph, inputs, (t, values) => addToHistogram(hists.get(t)!, values));
  const out: Ranges = new Map();
  for (const [t, h] of hists) out.set(t, method === "mse" ? mseRange(h) : percentileRange(h, opts.percentile ?? 99.99));
  return out;
}
