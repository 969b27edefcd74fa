/** NumPy-style broadcasting of two operands to an output, resolved once at prepare time into index maps. */
import { ShapeError } from "../../errors/index.js";
import { checkOutputShape, elementCountOf } from "./shape-checks.js";

export interface BroadcastPlan {
  size: number;
  /** null when both operands already have the output's shape (the common, fast case). */
  indexA: Int32Array | null;
  indexB: Int32Array | null;
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

/** Flat source index of every output element for an operand broadcast to `out`. */
function indexMap(shape: readonly number[], out: readonly number[]): Int32Array {
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  const size = elementCountOf(out);
  const map = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < size; o++) {
    map[o] = src;
    for (let i = rank - 1; i >= 0; i--) {
      idx[i]!++;
      src += strides[i]!;
      if (idx[i]! < out[i]!) break;
      src -= strides[i]! * out[i]!;
      idx[i] = 0;
    }
  }
  return map;
}

export function planBroadcast(where: string, a: readonly number[], b: readonly number[], declaredOut: readonly number[]): BroadcastPlan {
  const out = broadcastShape(where, a, b);
  checkOutputShape(where, declaredOut, out);
  const size = elementCountOf(out);
  const same = elementCountOf(a) === size && elementCountOf(b) === size;
  return same ? { size, indexA: null, indexB: null } : { size, indexA: indexMap(a, out), indexB: indexMap(b, out) };
}
