/**
 * LeNet-300-100 and LeNet-5 in TensorFlow.js, layer for layer the same as dietml's zoo models (src/models/lenet.ts)
 * and starting from the same weights (converted from dietml's layouts: conv OHWI -> HWIO, linear [out, in] ->
 * [in, out]), trained with tfjs's own SGD on the same batches.
 */
import * as tf from "@tensorflow/tfjs";
import type { Variable } from "../../src/autograd/index.js";

export interface TfjsTrainer {
  /** One SGD step on a batch (inputs NHWC, labels one-hot). */
  step(x: tf.Tensor4D, oneHot: tf.Tensor2D): void;
  /** Parameter scalars (to check the architecture matches dietml's). */
  readonly parameterCount: number;
  /** Current parameters in dietml's layouts (to check a step against dietml's). */
  exportWeights(): Map<string, Float32Array>;
  /** Block until every queued kernel has finished (reads one value). */
  sync(): void;
  dispose(): void;
}

type Weights = Map<string, tf.Variable>;

/** tfjs variables holding dietml's parameter values, in tfjs's layouts. */
function importWeights(params: [string, Variable][]): Weights {
  const weights: Weights = new Map();
  for (const [name, p] of params) {
    const initial = tf.tidy(() => {
      const t = tf.tensor(p.values.slice(), [...p.shape]);
      if (p.shape.length === 4) return t.transpose([1, 2, 3, 0]); // OHWI -> HWIO
      if (p.shape.length === 2) return t.transpose(); // [out, in] -> [in, out]
      return t;
    });
    weights.set(name, tf.variable(initial, true, `dietml/${name}`));
    initial.dispose();
  }
  return weights;
}

function dense(h: tf.Tensor2D, weights: Weights, layer: string): tf.Tensor2D {
  return tf.add(tf.matMul(h, weights.get(`${layer}.weight`)! as tf.Tensor2D), weights.get(`${layer}.bias`)!);
}

function conv(h: tf.Tensor4D, weights: Weights, layer: string, pad: "same" | "valid"): tf.Tensor4D {
  return tf.add(tf.conv2d(h, weights.get(`${layer}.weight`)! as tf.Tensor4D, 1, pad), weights.get(`${layer}.bias`)!);
}

const FORWARD: Record<string, (x: tf.Tensor4D, w: Weights) => tf.Tensor2D> = {
  lenet300: (x, w) => {
    const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    return dense(tf.relu(dense(tf.relu(dense(flat, w, "fc1")), w, "fc2")), w, "fc3");
  },
  lenet5: (x, w) => {
    const c1 = tf.maxPool(tf.relu(conv(x, w, "conv1", "same")), 2, 2, "valid");
    const c2 = tf.maxPool(tf.relu(conv(c1, w, "conv2", "valid")), 2, 2, "valid");
    const flat = tf.reshape(c2, [c2.shape[0], -1]) as tf.Tensor2D;
    return dense(tf.relu(dense(tf.relu(dense(flat, w, "fc1")), w, "fc2")), w, "fc3");
  },
};

export function tfjsLenetTrainer(model: string, params: [string, Variable][], lr: number): TfjsTrainer {
  const forward = FORWARD[model];
  if (forward === undefined) throw new Error(`no TensorFlow.js mirror of ${model}`);
  const weights = importWeights(params);
  const varList = [...weights.values()];
  const optimizer = tf.train.sgd(lr);
  return {
    step(x, oneHot) {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHot, forward(x, weights)) as tf.Scalar, false, varList);
    },
    parameterCount: varList.reduce((s, v) => s + v.size, 0),
    exportWeights() {
      const out = new Map<string, Float32Array>();
      for (const [name, v] of weights) {
        const back = tf.tidy(() => (v.rank === 4 ? v.transpose([3, 0, 1, 2]) : v.rank === 2 ? v.transpose() : v.clone()));
        out.set(name, back.dataSync() as Float32Array);
        back.dispose();
      }
      return out;
    },
    sync() {
      varList[0]!.dataSync();
    },
    dispose() {
      optimizer.dispose();
      for (const v of varList) v.dispose();
    },
  };
}
