/** Hybrid graphs become plain float graphs (oracle: the FC computed by hand from the dequantized weights). */
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { GraphBuilder } from "../../src/lower/index.js";
import { dequantizeWeights } from "../../src/quantize/index.js";

describe("dequantizeWeights", () => {
  it("folds DEQUANTIZE of an int8 constant and converts int8 weights feeding a float op", () => {
    const b = new GraphBuilder();
    const x = b.activation("x", [1, 4]);
    const q = b.activation("wq", [3, 4], "i8");
    b.tensors[q]!.data = new Uint8Array(Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8, 9, 10, -11, 12]).buffer);
    b.tensors[q]!.quant = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
    const w = b.activation("w", [3, 4]);
    b.op("DEQUANTIZE", { type: "None" }, [q], [w]);
    const bias = b.constF32("bias", [3], [0.1, 0.2, 0.3]);
    const y = b.activation("y", [1, 3]);
    b.op("FULLY_CONNECTED", { type: "FullyConnectedOptions", fusedActivation: "NONE", weightsFormat: "DEFAULT", keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: "f32" }, [x, w, bias], [y]);
    const hybrid = b.build([x], [y], "test");
    const plain = dequantizeWeights(hybrid);
    expect(plain.ops.map((o) => o.kind)).toEqual(["FULLY_CONNECTED"]);
    expect(plain.tensors[w]!.dtype).toBe("f32");
    const input = Float32Array.from([1, 2, 3, 4]);
    // real weights = 0.5 * q; y[o] = sum_i x[i] * w[o][i] + bias[o]
    const want = [0.5 * (1 - 4 + 9 - 16) + 0.1, 0.5 * (5 - 12 + 21 - 32) + 0.2, 0.5 * (9 + 20 - 33 + 48) + 0.3];
    const got = prepareModel(plain).invoke([input]).outputs[0]!;
    want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
  });
});
