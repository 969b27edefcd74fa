/** Decodes an Operator's builtin options union into the IR's typed options. */
import type { GraphDType } from "../ir.js";
import { EMPTY_OPTION_TABLES, type OpOptions } from "../options.js";
import type { FlatTable } from "./flat-reader.js";
import {
  ACTIVATIONS,
  BUILTIN_OPTIONS,
  OPTION_FIELDS,
  PADDINGS,
  dtypeFromTensorType,
  enumNames,
  tensorTypeOf,
  type FieldSpec,
} from "./schema.js";

const EMPTY_TABLES: ReadonlySet<string> = new Set(EMPTY_OPTION_TABLES);

/** Operator slots: builtin_options_type 3, builtin_options 4, builtin_options_2_type 11. */
export function readOptions(op: FlatTable): OpOptions {
  const unionType = op.uint8(3, "builtin_options_type");
  if (unionType === 0) {
    const second = op.uint8(11, "builtin_options_2_type");
    return second === 0 ? { type: "None" } : { type: "Unknown", table: `BuiltinOptions2#${second}` };
  }
  const table = BUILTIN_OPTIONS[unionType - 1] ?? `BuiltinOptions#${unionType}`;
  if (EMPTY_TABLES.has(table)) return { type: table } as OpOptions;
  const fields = OPTION_FIELDS.get(table);
  if (!fields) return { type: "Unknown", table };
  const values = op.table(4, "builtin_options");
  const out: Record<string, unknown> = { type: table };
  fields.forEach((spec, slot) => {
    if (spec) out[spec.key] = readField(values, slot, spec, table);
  });
  return out as unknown as OpOptions;
}

function readField(t: FlatTable | undefined, slot: number, spec: FieldSpec, table: string): unknown {
  const name = `${table}.${spec.key}`;
  switch (spec.kind) {
    case "int":
      return t ? t.int32(slot, name, spec.defaultValue as number) : spec.defaultValue;
    case "float":
      return t ? t.float32(slot, name, spec.defaultValue as number) : spec.defaultValue;
    case "bool":
      return t ? t.bool(slot, name, spec.defaultValue as boolean) : spec.defaultValue;
    case "int[]":
      return t?.int32Vector(slot, name) ?? [];
    case "float[]":
      return t?.float32Vector(slot, name) ?? [];
    case "padding":
      return enumValue(t, slot, name, PADDINGS, spec);
    case "activation":
      return enumValue(t, slot, name, ACTIVATIONS, spec);
    case "tensorType": {
      const dflt = tensorTypeOf(spec.defaultValue as GraphDType);
      const v = t ? t.int8(slot, name, dflt) : dflt;
      return dtypeFromTensorType(v) ?? fieldFail(t!, slot, name, v);
    }
    default:
      return enumValue(t, slot, name, enumNames(spec.kind), spec);
  }
}

/** Enums are one signed byte; an absent field takes the schema's default. */
function enumValue<T>(t: FlatTable | undefined, slot: number, name: string, names: readonly T[], spec: FieldSpec): T {
  const dflt = Math.max(0, names.indexOf(spec.defaultValue as T));
  const v = t ? t.int8(slot, name, dflt) : dflt;
  return names[v] ?? fieldFail(t!, slot, name, v);
}

function fieldFail(t: FlatTable, _slot: number, name: string, v: number): never {
  return t.r.fail(t.pos, `${t.path}: ${name} has unknown enum value ${v}`);
}
