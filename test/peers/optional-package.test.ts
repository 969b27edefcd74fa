import { describe, expect, it } from "vitest";
import { requireOptional, resolveOptional } from "../../src/peers/optional-package.js";
import { PeerMissingError } from "../../src/peers/peer-missing-error.js";
import { tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";

describe("optional peers", () => {
  it("a missing peer is a typed error that says how to install it", () => {
    const attempt = () => requireOptional("dietml-no-such-peer/wasm/x.js", "dietml-no-such-peer", "npm install -D dietml-no-such-peer@1");
    expect(attempt).toThrow(PeerMissingError);
    try {
      attempt();
    } catch (e) {
      expect(e).toMatchObject({ code: "PEER_MISSING", peer: "dietml-no-such-peer" });
      expect((e as PeerMissingError).hint).toMatch(/npm install -D dietml-no-such-peer@1/);
    }
  });

  it("installed peers resolve to files", () => {
    expect(resolveOptional("@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.wasm", "tfjs-tflite", "-")).toMatch(/\.wasm$/);
    expect(tfliteInterpreterAvailable()).toBe(true);
  });
});
