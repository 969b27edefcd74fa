/** NumPy-style broadcasting of two operands to an output, resolved at prepare time into per-dimension strides. */
import { ShapeError } from "../../errors/index.js";
import { checkOutputShape, elementCountOf } from "./shape-checks.js";

export interface BroadcastPlan {
  size: number;
  /** True when both operands already have the output's size: element i pairs with element i. */
  same: boolean;
  outShape: number[];
  /** Per output dimension, the step in each operand (0 where that operand is broadcast). */
  stridesA: number[];
  stridesB: number[];
}

function broadcastShape(where: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${where}: shapes [${a.join(", ")}] and [${b.join(", ")}] cannot be broadcast together`, "each dimension must match or be 1");
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

function stridesFor(shape: readonly number[], rank: number): number[] {
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

export function planBroadcast(where: string, a: readonly number[], b: readonly number[], declaredOut: readonly number[]): BroadcastPlan {
  const outShape = broadcastShape(where, a, b);
  checkOutputShape(where, declaredOut, outShape);
  const size = elementCountOf(outShape);
  return {
    size,
    same: elementCountOf(a) === size && elementCountOf(b) === size,
    outShape,
    stridesA: stridesFor(a, outShape.length),
    stridesB: stridesFor(b, outShape.length),
  };
}

/** Calls visit(outIndex, aIndex, bIndex) for every output element, in row-major order. */
export function forEachBroadcast(p: BroadcastPlan, visit: (o: number, ia: number, ib: number) => void): void {
  if (p.same) {
    for (let i = 0; i < p.size; i++) visit(i, i, i);
    return;
  }
  const rank = p.outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < p.size; o++) {
    visit(o, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      ia += p.stridesA[d]!;
      ib += p.stridesB[d]!;
      if (idx[d]! < p.outShape[d]!) break;
      ia -= p.stridesA[d]! * p.outShape[d]!;
      ib -= p.stridesB[d]! * p.outShape[d]!;
      idx[d] = 0;
    }
  }
}
