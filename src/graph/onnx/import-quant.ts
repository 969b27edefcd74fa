/**
 * Quantized ONNX: DequantizeLinear / QuantizeLinear become DEQUANTIZE / QUANTIZE ops around float
 * ops (the QDQ format), and QLinearConv a conv with integer inputs; foldQuantization then turns
 * each DEQUANTIZE -> float op -> QUANTIZE group into the integer op TFLite would have.
 */
import type { OnnxNode, OnnxTensor } from "./onnx-model.js";
import { intAttr, type Importer } from "./importer.js";

type ImportRule = (im: Importer, node: OnnxNode) => void;

/** Scale and zero point of a Q/DQ node (inputs 1 and 2); the zero point's type is the integer type. */
function params(im: Importer, node: OnnxNode, scaleAt: number, zeroAt: number) {
  const scaleC = im.constant(node, scaleAt);
  if (!scaleC) im.unsupported(node, `needs a constant scale (input ${scaleAt})`);
  const scale = Array.from(im.floats(node, scaleC));
  const zeroC = im.constant(node, zeroAt);
  const zeroPoint = zeroC ? Array.from(im.rawValues(node, zeroC)) : scale.map(() => 0);
  const dtype = zeroC?.dtype ?? "u8";
  return { scale, zeroPoint, dtype };
}

/** DequantizeLinear of an initializer: an integer constant that carries its real-value mapping. */
export function quantizedConstant(im: Importer, node: OnnxNode, init: OnnxTensor): OnnxTensor {
  const p = params(im, node, 1, 2);
  const axis = intAttr(node, "axis", 1);
  return { ...init, name: node.outputs[0] ?? init.name, quant: { scale: p.scale, zeroPoint: p.zeroPoint, axis: axis < 0 ? axis + init.dims.length : axis } };
}

/** Gives an integer activation its quantization, or checks it matches what it already has. */
function claim(im: Importer, node: OnnxNode, tensor: number, scale: number, zeroPoint: number): void {
  const t = im.tensors[tensor]!;
  if (t.dtype !== "i8" && t.dtype !== "u8") im.unsupported(node, `quantized tensor "${t.name}" is ${t.dtype}; int8 and uint8 are supported`);
  if (!t.quant) {
    t.quant = { scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 };
    return;
  }
  if (Math.fround(t.quant.scale[0]!) !== Math.fround(scale) || t.quant.zeroPoint[0] !== zeroPoint) {
    im.unsupported(node, `reads "${t.name}" with scale ${scale} / zero point ${zeroPoint}, but it was quantized with ${t.quant.scale[0]} / ${t.quant.zeroPoint[0]}`);
  }
}

const dequantizeLinear: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const p = params(im, node, 1, 2);
  if (p.scale.length !== 1) im.unsupported(node, "per-axis dequantization of an activation");
  claim(im, node, x.tensor, p.scale[0]!, p.zeroPoint[0]!);
  const y = im.define(node, 0, [...im.tensors[x.tensor]!.shape], x.layout);
  im.addOp("DEQUANTIZE", [x.tensor], [y], { type: "DequantizeOptions" });
};

const quantizeLinear: ImportRule = (im, node) => {
  const x = im.value(node, 0);
  const p = params(im, node, 1, 2);
  if (p.scale.length !== 1) im.unsupported(node, "per-axis quantization of an activation");
  const y = im.define(node, 0, [...im.tensors[x.tensor]!.shape], x.layout);
  const t = im.tensors[y]!;
  t.dtype = p.dtype;
  t.quant = { scale: p.scale, zeroPoint: p.zeroPoint, quantizedDimension: 0 };
  im.addOp("QUANTIZE", [x.tensor], [y], { type: "QuantizeOptions" });
};

/**
 * QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): the conv import on integer
 * weights and an int32 bias whose scale is x_scale * w_scale, as TFLite defines it.
 */
function qlinearConv(conv: ImportRule): ImportRule {
  return (im, node) => {
    const x = im.value(node, 0);
    const xp = params(im, node, 1, 2);
    claim(im, node, x.tensor, xp.scale[0]!, xp.zeroPoint[0]!);
    const w = im.constant(node, 3)!;
    const wp = params(im, node, 4, 5);
    const yp = params(im, node, 6, 7);
    const prefix = node.outputs[0] ?? node.name;
    const weights: OnnxTensor = { ...w, name: `${prefix}_w`, quant: { scale: wp.scale, zeroPoint: wp.zeroPoint, axis: 0 } };
    im.constants.set(weights.name, weights);
    const inputs = [node.inputs[0]!, weights.name];
    const b = im.constant(node, 8);
    if (b) {
      const channels = w.dims[0]!;
      const scale = Array.from({ length: channels }, (_, c) => xp.scale[0]! * wp.scale[wp.scale.length > 1 ? c : 0]!);
      const bias: OnnxTensor = { ...b, name: `${prefix}_b`, quant: { scale, zeroPoint: scale.map(() => 0), axis: 0 } };
      im.constants.set(bias.name, bias);
      inputs.push(bias.name);
    }
    conv(im, { ...node, opType: "Conv", inputs });
    const y = im.tensors[im.values.get(node.outputs[0]!)!.tensor]!;
    y.dtype = yp.dtype;
    y.quant = { scale: yp.scale, zeroPoint: yp.zeroPoint, quantizedDimension: 0 };
  };
}

export function quantRules(conv: ImportRule): Record<string, ImportRule> {
  return { DequantizeLinear: dequantizeLinear, QuantizeLinear: quantizeLinear, QLinearConv: qlinearConv(conv) };
}
