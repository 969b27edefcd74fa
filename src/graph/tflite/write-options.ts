/** Encodes the IR's typed options as a BuiltinOptions table. */
import type { Builder } from "flatbuffers";
import { UnsupportedError } from "../../errors/index.js";
import type { GraphOp } from "../ir.js";
import { EMPTY_OPTION_TABLES } from "../options.js";
import { ACTIVATIONS, BUILTIN_OPTIONS, OPTION_FIELDS, PADDINGS, enumNames, tensorTypeOf, type FieldSpec } from "./schema.js";

const EMPTY_TABLES: ReadonlySet<string> = new Set(EMPTY_OPTION_TABLES);

export interface EncodedOptions {
  /** BuiltinOptions union type (0 = none). */
  unionType: number;
  /** Offset of the options table (0 = none). */
  table: number;
}

export function writeOptions(b: Builder, op: GraphOp): EncodedOptions {
  const options = op.options;
  if (options.type === "None") return { unionType: 0, table: 0 };
  if (options.type === "Unknown") {
    throw new UnsupportedError(
      `op ${op.index} (${op.kind}) has options ${options.table}, which dietml reads but cannot write`,
      `the writer encodes these option tables: ${[...OPTION_FIELDS.keys(), ...EMPTY_TABLES].join(", ")}`,
    );
  }
  const unionType = BUILTIN_OPTIONS.indexOf(options.type) + 1;
  const fields = OPTION_FIELDS.get(options.type);
  if (unionType === 0 || (!fields && !EMPTY_TABLES.has(options.type))) {
    throw new UnsupportedError(`op ${op.index} (${op.kind}) has unknown options type "${options.type}"`, "build options with one of the types in src/graph/options.ts");
  }
  const values = options as unknown as Record<string, unknown>;
  const specs = fields ?? [];
  // Vectors are children of the table, so they must be built before startObject.
  const vectors = specs.map((spec) => {
    if (spec?.kind !== "int[]" && spec?.kind !== "float[]") return 0;
    const v = values[spec.key];
    if (!Array.isArray(v) || v.length === 0) return 0;
    return spec.kind === "int[]" ? int32Vector(b, v as number[]) : float32Vector(b, v as number[]);
  });
  b.startObject(specs.length);
  specs.forEach((spec, slot) => {
    if (!spec) return;
    if (spec.kind === "int[]" || spec.kind === "float[]") {
      if (vectors[slot]) b.addFieldOffset(slot, vectors[slot]!, 0);
      return;
    }
    addScalar(b, slot, spec, values[spec.key], op);
  });
  return { unionType, table: b.endObject() };
}

function addScalar(b: Builder, slot: number, spec: FieldSpec, value: unknown, op: GraphOp): void {
  const bad = (): never => {
    throw new UnsupportedError(
      `op ${op.index} (${op.kind}): option ${spec.key} = ${JSON.stringify(value)} is not valid`,
      `give ${spec.kind} for ${spec.key}`,
    );
  };
  const enumIndex = (names: readonly string[]): number => {
    const i = names.indexOf(value as string);
    return i >= 0 ? i : bad();
  };
  const enumField = (names: readonly string[]) =>
    b.addFieldInt8(slot, enumIndex(names), Math.max(0, names.indexOf(spec.defaultValue as string)));
  switch (spec.kind) {
    case "int":
      if (!Number.isInteger(value)) bad();
      b.addFieldInt32(slot, value as number, spec.defaultValue as number);
      return;
    case "float":
      if (typeof value !== "number") bad();
      b.addFieldFloat32(slot, value as number, spec.defaultValue as number);
      return;
    case "bool":
      if (typeof value !== "boolean") bad();
      b.addFieldInt8(slot, value ? 1 : 0, spec.defaultValue ? 1 : 0);
      return;
    case "padding":
      enumField(PADDINGS);
      return;
    case "activation":
      enumField(ACTIVATIONS);
      return;
    case "tensorType": {
      const t = tensorTypeOf(value as never);
      b.addFieldInt8(slot, t >= 0 ? t : bad(), tensorTypeOf(spec.defaultValue as never));
      return;
    }
    default:
      enumField(enumNames(spec.kind));
  }
}

export function int32Vector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function float32Vector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}
