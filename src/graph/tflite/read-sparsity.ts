/**
 * Sparse constant tensors in .tflite files (TFLite's SparsityParameters, the TACO-style format the converter
 * writes for pruned weights), expanded to dense bytes at load so every kernel sees a plain tensor; the engine's
 * sparse routing then rebuilds the compressed form it runs on. Slots: SparsityParameters traversal_order 0,
 * block_map 1, dim_metadata 2; DimensionMetadata format 0 (DENSE 0, SPARSE_CSR 1), dense_size 1,
 * array_segments_type 2 / array_segments 3, array_indices_type 4 / array_indices 5, each a SparseIndexVector
 * union (Int32Vector 1, Uint16Vector 2, Uint8Vector 3: a table whose slot 0 is the values vector).
 */
import { FileFormatError, UnsupportedError } from "../../errors/index.js";
import type { FlatTable } from "./flat-reader.js";

export interface SparseDimension {
  /** DENSE: every index 0..denseSize-1 is stored; SPARSE_CSR: segments/indices list the stored ones. */
  format: "dense" | "csr";
  denseSize: number;
  segments: number[];
  indices: number[];
}

export interface Sparsity {
  /** The order the stored values walk the dimensions: the tensor's rank dimensions, then its block dimensions. */
  traversalOrder: number[];
  /** Which tensor dimension each block dimension splits. */
  blockMap: number[];
  /** One per traversal level, in traversal order. */
  dims: SparseDimension[];
}

const ELEMENT_SIZES = [0, 4, 2, 1];

function indexVector(t: FlatTable, typeSlot: number, slot: number, name: string): number[] {
  const type = t.uint8(typeSlot, `${name}_type`);
  const table = t.table(slot, name);
  if (type === 0 || table === undefined) return [];
  const size = ELEMENT_SIZES[type];
  if (size === undefined) t.r.fail(t.pos, `${t.path}.${name}: unknown index vector type ${type}`);
  const span = table.vector(0, "values", size);
  if (!span) return [];
  const out = new Array<number>(span.length);
  for (let i = 0; i < span.length; i++) {
    const at = span.start + size * i;
    out[i] = size === 4 ? t.r.bb.readInt32(at) : size === 2 ? t.r.bb.readUint16(at) : t.r.bb.readUint8(at);
  }
  return out;
}

export function readSparsity(t: FlatTable): Sparsity {
  const dims = t.tables(2, "dim_metadata").map((d) => ({
    format: d.int8(0, "format") === 1 ? ("csr" as const) : ("dense" as const),
    denseSize: d.int32(1, "dense_size"),
    segments: indexVector(d, 2, 3, "array_segments"),
    indices: indexVector(d, 4, 5, "array_indices"),
  }));
  return { traversalOrder: t.int32Vector(0, "traversal_order") ?? [], blockMap: t.int32Vector(1, "block_map") ?? [], dims };
}

/**
 * The dense row-major bytes of a tensor of `shape` whose stored values (`elementSize` bytes each, in traversal
 * order) are described by `s`. Throws a FileFormatError naming the tensor when the description is inconsistent.
 */
export function densify(s: Sparsity, shape: readonly number[], stored: Uint8Array, elementSize: number, file: string, label: string): Uint8Array {
  const bad = (why: string): FileFormatError => new FileFormatError(file, `${label} is stored sparse with ${why}`, "the file is corrupt; re-export the model");
  const rank = shape.length;
  const levels = s.traversalOrder.length;
  if (levels !== s.dims.length || levels !== rank + s.blockMap.length) throw bad(`${levels} traversal levels, ${s.dims.length} dimension metadata, rank ${rank} and ${s.blockMap.length} block dimensions`);
  const seen = new Set(s.traversalOrder);
  if (seen.size !== levels || s.traversalOrder.some((d) => !(d >= 0 && d < levels))) throw bad(`traversal order [${s.traversalOrder.join(", ")}]`);
  if (s.blockMap.some((d) => !(d >= 0 && d < rank))) throw bad(`block map [${s.blockMap.join(", ")}]`);
  // Size of each traversal dimension (by dimension id): a blocked tensor dimension is outer blocks x block size.
  const sizeOf = new Array<number>(levels).fill(0);
  s.traversalOrder.forEach((d, l) => (sizeOf[d] = s.dims[l]!.denseSize));
  for (let d = 0; d < rank; d++) {
    const k = s.blockMap.indexOf(d);
    const block = k < 0 ? 1 : sizeOf[rank + k]!;
    const levelOf = s.traversalOrder.indexOf(d);
    const dim = s.dims[levelOf]!;
    // a CSR level's extent is not stored: it is the tensor's (outer) size
    if (dim.format === "csr") sizeOf[d] = shape[d]! / block;
    if (!(block > 0) || sizeOf[d]! * block !== shape[d]) throw bad(`dimension ${d} of [${shape.join(", ")}] split as ${sizeOf[d]} x ${block}`);
  }
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  const out = new Uint8Array(elementSize * shape.reduce((a, b) => a * b, 1));
  const coords = new Array<number>(levels).fill(0);
  let leaves = 0;
  const visit = (level: number, pos: number): void => {
    if (level === levels) {
      if ((pos + 1) * elementSize > stored.length) throw bad(`more values than its buffer's ${stored.length / elementSize}`);
      let at = 0;
      for (let d = 0; d < rank; d++) {
        const k = s.blockMap.indexOf(d);
        const c = k < 0 ? coords[d]! : coords[d]! * sizeOf[rank + k]! + coords[rank + k]!;
        at += c * strides[d]!;
      }
      out.set(stored.subarray(pos * elementSize, (pos + 1) * elementSize), at * elementSize);
      leaves++;
      return;
    }
    const d = s.traversalOrder[level]!;
    const dim = s.dims[level]!;
    if (dim.format === "dense") {
      for (let i = 0; i < dim.denseSize; i++) {
        coords[d] = i;
        visit(level + 1, pos * dim.denseSize + i);
      }
      return;
    }
    const from = dim.segments[pos], to = dim.segments[pos + 1];
    if (from === undefined || to === undefined || from > to || to > dim.indices.length) throw bad(`segments [${from}, ${to}) at level ${level} outside its ${dim.indices.length} indices`);
    for (let j = from; j < to; j++) {
      const c = dim.indices[j]!;
      if (!(c >= 0 && c < sizeOf[d]!)) throw bad(`index ${c} at level ${level}, outside 0..${sizeOf[d]! - 1}`);
      coords[d] = c;
      visit(level + 1, j);
    }
  };
  visit(0, 0);
  if (leaves * elementSize !== stored.length) throw bad(`${leaves} values described but ${stored.length / elementSize} stored`);
  return out;
}

/** A tensor's dense bytes from its sparsity table and stored values (only constants can be stored sparse). */
export function densifyTensor(t: FlatTable, shape: readonly number[], bitsPerElement: number, stored: Uint8Array | undefined, label: string): Uint8Array {
  const s = readSparsity(t);
  if (stored === undefined || s.dims.length === 0 || bitsPerElement % 8 !== 0) {
    throw new UnsupportedError(
      `${t.r.file}: ${label} is stored sparse ${stored === undefined ? "without constant data" : s.dims.length === 0 ? "without dimension metadata" : "with sub-byte elements"}; dietml expands sparse constant tensors only`,
      "convert the model without sparsity (or densify it) before importing",
    );
  }
  return densify(s, shape, stored, bitsPerElement / 8, t.r.file, label);
}
