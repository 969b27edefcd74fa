/**
 * Broadcasting arithmetic (NumPy rules) and scalar affine maps. Backward reduces each input's gradient
 * back to its own shape (sumToShape). mul saves the other operand only when this one needs a gradient;
 * add/sub/scale save nothing.
 */
import { binary, scale as scaleKernel, sumToShape, type BinaryOp } from "../../kernels/index.js";
import { shapesEqual, type Shape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

/** dy reduced to `shape`; dy itself (not a copy) when no broadcasting happened. */
function reduceTo(dy: Float32Array, dyShape: Shape, shape: Shape): Float32Array {
  return shapesEqual(dyShape, shape) ? dy : sumToShape(dy, dyShape, shape);
}

function forward(op: BinaryOp, a: Variable, b: Variable): { y: Float32Array; yShape: number[] } {
  return binary(op, a.values, a.shape, b.values, b.shape);
}

export function add(a: Variable, b: Variable): Variable {
  const { y, yShape } = forward("add", a, b);
  const needA = needsGrad(a);
  const needB = needsGrad(b);
  return recordOp("add", [a, b], y, yShape, {}, (dy) => [
    needA ? reduceTo(dy, yShape, a.shape) : null,
    needB ? reduceTo(dy, yShape, b.shape) : null,
  ]);
}

export function sub(a: Variable, b: Variable): Variable {
  const { y, yShape } = forward("sub", a, b);
  const needA = needsGrad(a);
  const needB = needsGrad(b);
  return recordOp("sub", [a, b], y, yShape, {}, (dy) => [
    needA ? reduceTo(dy, yShape, a.shape) : null,
    needB ? reduceTo(scaleKernel(dy, -1), yShape, b.shape) : null,
  ]);
}

export function mul(a: Variable, b: Variable): Variable {
  const { y, yShape } = forward("mul", a, b);
  const needA = needsGrad(a);
  const needB = needsGrad(b);
  const aShape = a.shape;
  const bShape = b.shape;
  return recordOp("mul", [a, b], y, yShape, { a: needB ? a.values : null, b: needA ? b.values : null }, (dy, s) => [
    s.b === null ? null : reduceTo(binary("mul", dy, yShape, s.b, bShape).y, yShape, aShape),
    s.a === null ? null : reduceTo(binary("mul", dy, yShape, s.a, aShape).y, yShape, bShape),
  ]);
}

/** a / b. Saves b (for both gradients) and the quotient y when b needs a gradient (d/db = -y / b). */
export function div(a: Variable, b: Variable): Variable {
  const { y, yShape } = forward("div", a, b);
  const needA = needsGrad(a);
  const needB = needsGrad(b);
  const aShape = a.shape;
  const bShape = b.shape;
  const saved = { b: needA || needB ? b.values : null, y: needB ? y : null };
  return recordOp("div", [a, b], y, yShape, saved, (dy, s) => {
    const dyOverB = binary("div", dy, yShape, s.b!, bShape).y;
    return [
      needA ? reduceTo(dyOverB, yShape, aShape) : null,
      s.y === null ? null : reduceTo(scaleKernel(binary("mul", dyOverB, yShape, s.y, yShape).y, -1), yShape, bShape),
    ];
  });
}

/** alpha * x + beta with scalar alpha, beta. Saves nothing. */
export function scale(x: Variable, alpha: number, beta = 0): Variable {
  const y = scaleKernel(x.values, alpha, beta);
  return recordOp("scale", [x], y, x.shape, {}, (dy) => [scaleKernel(dy, alpha)]);
}
