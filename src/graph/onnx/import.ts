/**
 * ONNX import: float CNN models (Conv/BatchNorm/Relu/Clip/pools/Gemm/Softmax..., as PyTorch and
 * tf2onnx write them, and as writeOnnx writes float models) into the IR, which is NHWC.
 * 4-D inputs that feed convolutions become NHWC inputs, and 4-D outputs NHWC outputs: feed
 * dietml the NHWC layout of what the ONNX model took as NCHW.
 */
import { ArgumentError, FileFormatError, UnsupportedError } from "../../errors/index.js";
import type { Graph } from "../ir.js";
import { validateGraph } from "../topology.js";
import { compactGraph } from "../transforms/compact.js";
import { fuseActivations } from "../transforms/fuse-activations.js";
import { foldQuantization } from "../transforms/fold-quantization.js";
import { quantizedConstant } from "./import-quant.js";
import { Importer, type ImportLayout } from "./importer.js";
import { importRules } from "./import-ops.js";
import { decodeModel, type OnnxNode, type OnnxValueInfo } from "./onnx-model.js";

/** Ops that take NCHW activations: a 4-D graph input they consume is imported as NHWC. */
const NCHW_CONSUMERS = new Set(["Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization"]);

export function readOnnx(bytes: Uint8Array, fileName = "model.onnx"): Graph {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError("readOnnx expects the file contents as a Uint8Array", "pass fs.readFileSync(path)");
  }
  if (bytes.length === 0) throw new FileFormatError(fileName, "the file is empty", "check the path");
  const model = decodeModel(bytes, fileName);
  const rules = importRules(model.opset);
  const im: Importer = new Importer(fileName);
  for (const init of model.graph.initializers) im.constants.set(init.name, init);
  const constantNodes = new Set<OnnxNode>();
  for (const node of model.graph.nodes) {
    if (node.opType === "Constant") {
      const value = node.attributes.get("value");
      if (!value || typeof value !== "object" || !("raw" in value)) im.unsupported(node, "only tensor-valued Constant nodes are supported");
      im.constants.set(node.outputs[0] ?? "", { ...value, name: node.outputs[0] ?? "" });
      constantNodes.add(node);
    }
    const source = node.opType === "DequantizeLinear" ? im.constants.get(node.inputs[0] ?? "") : undefined;
    if (source) {
      // Dequantized weights stay integer constants that know their scale.
      im.constants.set(node.outputs[0] ?? "", quantizedConstant(im, node, source));
      constantNodes.add(node);
    }
  }
  const inputs = model.graph.inputs
    .filter((v) => !im.constants.has(v.name))
    .map((v) => defineInput(im, v, firstConsumer(model.graph.nodes, v.name)));
  for (const node of model.graph.nodes) {
    if (constantNodes.has(node)) continue;
    if (node.domain !== "" && node.domain !== "ai.onnx") im.unsupported(node, `domain "${node.domain}" is not supported`, "export with standard ONNX ops");
    const rule = rules[node.opType];
    if (!rule) {
      throw new UnsupportedError(
        `${fileName}: ONNX op ${node.opType} (node "${node.name}") is not supported by the importer`,
        `supported ONNX ops: ${Object.keys(rules).join(", ")}`,
      );
    }
    rule(im, node);
  }
  const outputs = model.graph.outputs.map((o) => {
    const v = im.values.get(o.name);
    if (!v) throw new FileFormatError(fileName, `graph output "${o.name}" is not produced by any node`, "the model is malformed; re-export it");
    return v.tensor;
  });
  const graph: Graph = { tensors: im.tensors, ops: im.ops, inputs, outputs, name: model.graph.name, version: 3, metadata: [], signatures: [] };
  if (model.description) graph.description = model.description;
  validateGraph(graph, fileName);
  // Fuse float activations first (Conv -> Relu -> Q), then again once QDQ groups became integer ops.
  return fuseActivations(foldQuantization(fuseActivations(compactGraph(graph))));
}

/** Ops that pass their input's layout through, so the layout is decided further down. */
const LAYOUT_TRANSPARENT = new Set(["QuantizeLinear", "DequantizeLinear", "Identity", "Dropout", "Relu", "Clip", "Sigmoid", "Tanh", "HardSwish"]);

/** The first node that reads `name`, looking through layout-transparent ops (e.g. an input's QuantizeLinear). */
function firstConsumer(nodes: OnnxNode[], name: string): OnnxNode | undefined {
  let current = name;
  for (let hops = 0; hops < nodes.length; hops++) {
    const next = nodes.find((n) => n.inputs[0] === current) ?? nodes.find((n) => n.inputs.includes(current));
    if (!next || !LAYOUT_TRANSPARENT.has(next.opType) || !next.outputs[0]) return next;
    current = next.outputs[0];
  }
  return undefined;
}

function defineInput(im: Importer, v: OnnxValueInfo, consumer: OnnxNode | undefined): number {
  if (!v.shape || v.dtype === undefined) {
    throw new UnsupportedError(`${im.file}: graph input "${v.name}" has no static type and shape`, "export the model with input shapes");
  }
  // A symbolic batch dimension becomes 1; other symbolic dimensions cannot be planned.
  const shape = v.shape.map((d, i) => (d === null && i === 0 ? 1 : d));
  if (shape.some((d) => d === null)) {
    throw new UnsupportedError(`${im.file}: graph input "${v.name}" has symbolic dimensions [${v.shape.map((d) => d ?? "?").join(", ")}]`, "export the model with fixed input sizes");
  }
  const dims = shape as number[];
  const layout: ImportLayout = dims.length === 4 && consumer !== undefined && NCHW_CONSUMERS.has(consumer.opType) ? "nchw" : "plain";
  const irShape = layout === "nchw" ? [dims[0]!, dims[2]!, dims[3]!, dims[1]!] : dims;
  const t = im.addTensor(v.name, irShape, v.dtype);
  im.values.set(v.name, { tensor: t, layout });
  return t;
}
