/**
 * Dense products. `matmul(a, b)`: [m, k] x [k, n]. `linear(x, w, b)`: y = x w^T + b with w stored
 * [out, in] (TFLite FULLY_CONNECTED's order), the bias add fused so no broadcast tensor is made.
 * Saves x only when w needs a gradient and w only when x needs one.
 */
import { ShapeError } from "../../errors/index.js";
import { matmul as gemm, reduceSum } from "../../kernels/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

export function matmul(a: Variable, b: Variable): Variable {
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[1] !== b.shape[0]) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}`,
      "pass [m, k] and [k, n] matrices",
    );
  }
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const needA = needsGrad(a);
  const needB = needsGrad(b);
  const y = gemm(a.values, b.values, m, k, n);
  return recordOp("matmul", [a, b], y, [m, n], { a: needB ? a.values : null, b: needA ? b.values : null }, (dy, s) => [
    s.b === null ? null : gemm(dy, s.b, m, n, k, { transB: true }),
    s.a === null ? null : gemm(s.a, dy, k, m, n, { transA: true }),
  ]);
}

export function linear(x: Variable, w: Variable, b: Variable | null): Variable {
  if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
    throw new ShapeError(
      `linear: input ${formatShape(x.shape)} does not match weights ${formatShape(w.shape)} ([out, in])`,
      "the input's last dimension must equal the weights' second dimension",
    );
  }
  const [m, k] = x.shape as [number, number];
  const n = w.shape[0]!;
  if (b !== null && (b.shape.length !== 1 || b.shape[0] !== n)) {
    throw new ShapeError(`linear: bias ${formatShape(b.shape)} does not match ${n} outputs`, `pass a bias of shape [${n}]`);
  }
  const needX = needsGrad(x);
  const needW = needsGrad(w);
  const needB = b !== null && needsGrad(b);
  const y = gemm(x.values, w.values, m, k, n, { transB: true });
  if (b !== null) addRowBias(y, b.values, m, n);
  const inputs = b === null ? [x, w] : [x, w, b];
  return recordOp("linear", inputs, y, [m, n], { x: needW ? x.values : null, w: needX ? w.values : null }, (dy, s) => [
    s.w === null ? null : gemm(dy, s.w, m, n, k),
    s.x === null ? null : gemm(dy, s.x, n, m, k, { transA: true }),
    needB ? reduceSum(dy, [m, n], [0], false).y : null,
  ]);
}

/** y[r, j] += bias[j]: a single pass fused after the GEMM. */
function addRowBias(y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let j = 0; j < cols; j++) y[o + j] += bias[j]!;
  }
}
