/**
 * The user mistakes PTQ can meet, through the API (the CLI tests check the same through `dietml quantize`):
 * calibration data of the wrong shape or none at all, and an op with no int8 scheme. Each is a typed error
 * whose message names the shapes or the op and its layer, and whose hint says what to do.
 */
import { describe, expect, it } from "vitest";
import { ShapeError, UnsupportedError } from "../../src/errors/index.js";
import { GraphBuilder } from "../../src/lower/index.js";
import { quantizePtq } from "../../src/quantize/index.js";

/** x [1, 4, 4, 2] -> RELU ("features") -> `kind` ("head") */
function graphWith(kind: string) {
  const b = new GraphBuilder();
  const x = b.activation("x", [1, 4, 4, 2]);
  const h = b.activation("features", [1, 4, 4, 2]);
  b.op("RELU", { type: "None" }, [x], [h]);
  const y = b.activation("head", [1, 4, 4, 2]);
  b.op(kind, { type: "None" }, [h], [y]);
  return b.build([x], [y], "errors test");
}

function thrown(f: () => unknown): Error & { hint?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { hint?: string };
  }
  throw new Error("expected an error");
}

describe("PTQ user errors are typed and say what to do", () => {
  it("calibration examples of the wrong size name the example, both sizes and the model input shape", () => {
    const e = thrown(() => quantizePtq(graphWith("LOGISTIC"), [new Float32Array(32), new Float32Array(28 * 28)]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('calibration data: example 1 has 784 values but the model input "x" is [1, 4, 4, 2] (32 values)');
    expect(e.hint).toMatch(/exactly the model's input shape/);
  });

  it("an empty calibration set asks for representative inputs", () => {
    const e = thrown(() => quantizePtq(graphWith("LOGISTIC"), []));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.hint).toMatch(/at least one representative input/);
  });

  it("an op with no int8 scheme names the op and its layer before any calibration, and lists what is supported", () => {
    // TANH is not even runnable in float here: the check must come before calibration would trip on it.
    const e = thrown(() => quantizePtq(graphWith("TANH"), [new Float32Array(32)]));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toBe('op 1 TANH (output "head") cannot be quantized to int8 by dietml');
    expect(e.hint).toMatch(/^supported: CONV_2D, .*LOGISTIC, CONCATENATION; replace this layer or keep the model in float$/);
  });
});
