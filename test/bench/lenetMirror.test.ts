import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { useTfjsBackend } from "../../bench/tfjs/backend.js";
import { tfjsLenetTrainer } from "../../bench/tfjs/lenet.js";
import { backward, softmaxCrossEntropy, Variable } from "../../src/autograd/index.js";
import { createModel } from "../../src/models/index.js";
import { SGD } from "../../src/optim/index.js";
import { Rng } from "../../src/tensor/index.js";

// The benchmark's TensorFlow.js LeNets must be the same networks as dietml's: from the same weights, one SGD
// step on the same batch must give the same parameters.
describe("TensorFlow.js mirrors of the LeNets (benchmark peer)", () => {
  for (const name of ["lenet300", "lenet5"]) {
    it(`${name}: one SGD step matches dietml's`, async () => {
      await useTfjsBackend("cpu");
      const rng = new Rng(2);
      const model = createModel(name, rng);
      const batch = 8;
      const x = Float32Array.from({ length: batch * 784 }, () => rng.uniform());
      const labels = Int32Array.from({ length: batch }, () => rng.int(10));
      const peer = tfjsLenetTrainer(name, model.namedParameters(), 0.1);
      expect(peer.parameterCount).toBe(model.parameterCount());
      tf.tidy(() => peer.step(tf.tensor4d(x, [batch, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, "int32"), 10) as tf.Tensor2D));

      const opt = new SGD(model.namedParameters(), { lr: 0.1 });
      backward(softmaxCrossEntropy(model.forward(Variable.from(x, [batch, 28, 28, 1])), labels));
      opt.step();

      const theirs = peer.exportWeights();
      for (const [pname, p] of model.namedParameters()) {
        const t = theirs.get(pname)!;
        let worst = 0;
        for (let i = 0; i < t.length; i++) worst = Math.max(worst, Math.abs(t[i]! - p.values[i]!));
        expect(worst, pname).toBeLessThan(1e-4);
      }
      peer.dispose();
    });
  }
});
