import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../../src/errors/index.js";
import { EMPTY_OPTION_TABLES, readTflite, writeTflite, type OpOptions } from "../../src/graph/index.js";
import { FlatReader } from "../../src/graph/tflite/flat-reader.js";
import { OPTION_FIELDS, enumNames } from "../../src/graph/tflite/schema.js";
import { oneOpGraph } from "./build.js";

/** Options with every field set away from its default, so the writer must encode each one. */
function nonDefaultOptions(table: string): OpOptions {
  const out: Record<string, unknown> = { type: table };
  for (const spec of OPTION_FIELDS.get(table)!) {
    if (!spec) continue;
    switch (spec.kind) {
      case "int":
        out[spec.key] = (spec.defaultValue as number) + 3;
        break;
      case "float":
        out[spec.key] = 0.5;
        break;
      case "bool":
        out[spec.key] = !spec.defaultValue;
        break;
      case "int[]":
        out[spec.key] = [1, -1, 7];
        break;
      case "float[]":
        out[spec.key] = [0.5, -2];
        break;
      case "padding":
        out[spec.key] = "VALID";
        break;
      case "activation":
        out[spec.key] = "RELU6";
        break;
      case "tensorType":
        out[spec.key] = spec.defaultValue === "i8" ? "i16" : "i8";
        break;
      default:
        out[spec.key] = enumNames(spec.kind).at(-1);
        break;
    }
    if (spec.kind === "padding" || spec.kind === "activation" || spec.kind.startsWith("enum(")) {
      expect(out[spec.key]).not.toBe(spec.defaultValue);
    }
  }
  return out as unknown as OpOptions;
}

describe("options round trip", () => {
  it.each([...OPTION_FIELDS.keys()])("%s keeps every field", (table) => {
    const g = oneOpGraph(nonDefaultOptions(table));
    expect(readTflite(writeTflite(g)).ops[0]!.options).toEqual(g.ops[0]!.options);
  });

  it("reads absent fields as the schema's defaults, including non-zero ones", () => {
    // UniqueOptions.idx_out_type defaults to INT32, BidirectionalSequenceLSTMOptions.time_major to true.
    const bytes = writeTflite(oneOpGraph({ type: "UniqueOptions", idxOutType: "i32" }, "UNIQUE"));
    const op = new FlatReader(bytes, "u").tableAt(0, "Model").tables(2, "subgraphs")[0]!.tables(3, "operators")[0]!;
    expect(op.table(4, "builtin_options")!.has(0)).toBe(false); // the default is elided in the file...
    expect(readTflite(bytes).ops[0]!.options).toEqual({ type: "UniqueOptions", idxOutType: "i32" }); // ...and restored on read
    const lstm = { type: "BidirectionalSequenceLSTMOptions", fusedActivation: "NONE", cellClip: 0, projClip: 0, mergeOutputs: false, timeMajor: true, asymmetricQuantizeInputs: false } as const;
    expect(readTflite(writeTflite(oneOpGraph(lstm, "BIDIRECTIONAL_SEQUENCE_LSTM"))).ops[0]!.options).toEqual(lstm);
  });

  it("keeps default-valued fields (written elided, read back filled in)", () => {
    const conv: OpOptions = {
      type: "Conv2DOptions", padding: "SAME", strideW: 1, strideH: 1, fusedActivation: "NONE",
      dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: "f32",
    };
    expect(readTflite(writeTflite(oneOpGraph(conv, "CONV_2D"))).ops[0]!.options).toEqual(conv);
  });

  it.each(EMPTY_OPTION_TABLES.slice(0, 5))("empty table %s round trips", (table) => {
    const g = oneOpGraph({ type: table });
    expect(readTflite(writeTflite(g)).ops[0]!.options).toEqual({ type: table });
  });

  it("ops without options stay without options", () => {
    const g = oneOpGraph({ type: "None" }, "RELU");
    expect(readTflite(writeTflite(g)).ops[0]!.options).toEqual({ type: "None" });
  });

  it("refuses to write options it cannot encode, naming the op", () => {
    const g = oneOpGraph({ type: "Unknown", table: "LSTMOptions" }, "LSTM");
    expect(() => writeTflite(g)).toThrow(UnsupportedError);
    expect(() => writeTflite(g)).toThrow(/op 0 \(LSTM\) has options LSTMOptions/);
  });

  it("refuses an invalid enum value with a typed error", () => {
    const bad = { ...nonDefaultOptions("Conv2DOptions"), padding: "FULL" } as unknown as OpOptions;
    expect(() => writeTflite(oneOpGraph(bad, "CONV_2D"))).toThrow(UnsupportedError);
  });
});

describe("operators and metadata", () => {
  it("round trips custom ops with their code and options bytes", () => {
    const g = oneOpGraph({ type: "None" }, "CUSTOM", { customCode: "TFLite_Detection_PostProcess", customOptions: new Uint8Array([1, 2, 3]) });
    const back = readTflite(writeTflite(g));
    expect(back.ops[0]).toEqual(g.ops[0]);
  });

  it("writes op codes >= 127 through builtin_code (deprecated code holds the placeholder)", () => {
    const g = oneOpGraph({ type: "None" }, "GELU", { version: 2 });
    const back = readTflite(writeTflite(g));
    expect(back.ops[0]!.kind).toBe("GELU");
    expect(back.ops[0]!.version).toBe(2);
  });

  it("refuses an op kind that is not a TFLite builtin", () => {
    expect(() => writeTflite(oneOpGraph({ type: "None" }, "FANCY_CONV"))).toThrow(/not a TFLite builtin/);
  });

  it("keeps metadata, signatures, names, description and tensor attributes", () => {
    const g = oneOpGraph({ type: "AddOptions", fusedActivation: "RELU", potScaleInt16: true });
    g.name = "main";
    g.description = "hand made";
    g.metadata = [{ name: "min_runtime_version", data: new TextEncoder().encode("1.5.0") }];
    g.signatures = [{ key: "serving_default", inputs: [{ name: "x", tensor: 0 }], outputs: [{ name: "y", tensor: 1 }] }];
    g.tensors[0]!.shapeSignature = [-1, 4];
    g.tensors[0]!.quant = { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0, min: [-1], max: [1] };
    g.tensors[0]!.dtype = "i8";
    g.tensors[1]!.isVariable = true;
    expect(readTflite(writeTflite(g))).toEqual(g);
  });

  it("writes shared constant data once", () => {
    const g = oneOpGraph({ type: "None" }, "RELU");
    const shared = new Uint8Array(4000).fill(7);
    g.tensors.push({ index: 3, name: "c1", shape: [1000], dtype: "f32", data: shared });
    g.tensors.push({ index: 4, name: "c2", shape: [1000], dtype: "f32", data: shared });
    const bytes = writeTflite(g);
    expect(bytes.length).toBeLessThan(4000 * 2);
    const back = readTflite(bytes);
    expect(back.tensors[3]!.data).toBe(back.tensors[4]!.data);
  });
});
