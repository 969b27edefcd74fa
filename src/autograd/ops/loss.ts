/**
 * Softmax cross-entropy from logits [N, K] and integer labels, averaged over the batch, as one fused op:
 * the forward keeps log-softmax (N*K floats, saved only when the logits need a gradient) and the backward
 * is (softmax - onehot) / N, with no separate softmax node in between. sigmoidBinaryCrossEntropy does the
 * same for independent binary targets (GAN discriminators), from logits so it never takes log(0).
 */
import { ArgumentError, ShapeError } from "../../errors/index.js";
import { logSoftmax } from "../../kernels/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

export function softmaxCrossEntropy(logits: Variable, labels: Int32Array | readonly number[]): Variable {
  if (logits.shape.length !== 2) {
    throw new ShapeError(`softmaxCrossEntropy: logits must be [batch, classes], got ${formatShape(logits.shape)}`, "flatten the model output to [batch, classes]");
  }
  const [n, k] = logits.shape as [number, number];
  if (labels.length !== n) {
    throw new ShapeError(`softmaxCrossEntropy: ${labels.length} labels for logits ${formatShape(logits.shape)}`, "pass one label per row of the batch");
  }
  const labelCopy = Int32Array.from(labels);
  for (let i = 0; i < n; i++) {
    const l = labelCopy[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= k || l !== labels[i]) {
      throw new ArgumentError(`softmaxCrossEntropy: label ${labels[i]} at row ${i} is not a class index in [0, ${k - 1}]`, "labels must be integers 0..classes-1");
    }
  }
  const logp = logSoftmax(logits.values, n, k);
  let total = 0;
  for (let i = 0; i < n; i++) total -= logp[i * k + labelCopy[i]!]!;
  const loss = Float32Array.of(total / n);
  const need = needsGrad(logits);
  const saved = { logp: need ? logp : null, labels: need ? labelCopy : null };
  return recordOp("softmaxCrossEntropy", [logits], loss, [], saved, (dy, s) => {
    const lp = s.logp!;
    const scale = dy[0]! / n;
    const dx = new Float32Array(n * k);
    for (let i = 0; i < dx.length; i++) dx[i] = Math.exp(lp[i]!) * scale;
    for (let i = 0; i < n; i++) dx[i * k + s.labels![i]!]! -= scale;
    return [dx];
  });
}

/**
 * Mean over all elements of -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z)), computed stably as
 * max(z, 0) - z t + log(1 + exp(-|z|)). Targets may be soft (in [0, 1]). Saves the logits and targets.
 */
export function sigmoidBinaryCrossEntropy(logits: Variable, targets: Float32Array | readonly number[]): Variable {
  const z = logits.values;
  if (targets.length !== z.length) {
    throw new ShapeError(`sigmoidBinaryCrossEntropy: ${targets.length} targets for logits ${formatShape(logits.shape)}`, "pass one target per logit");
  }
  const t = Float32Array.from(targets);
  for (let i = 0; i < t.length; i++) {
    if (!(t[i]! >= 0 && t[i]! <= 1)) {
      throw new ArgumentError(`sigmoidBinaryCrossEntropy: target ${targets[i]} at ${i} is outside [0, 1]`, "targets are probabilities, e.g. 1 for real and 0 for fake");
    }
  }
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    total += Math.max(v, 0) - v * t[i]! + Math.log1p(Math.exp(-Math.abs(v)));
  }
  const count = z.length;
  const need = needsGrad(logits);
  return recordOp("sigmoidBinaryCrossEntropy", [logits], Float32Array.of(total / count), [], { z: need ? z : null, t: need ? t : null }, (dy, s) => {
    const scale = dy[0]! / count;
    const zs = s.z!;
    const ts = s.t!;
    const dx = new Float32Array(count);
    for (let i = 0; i < count; i++) dx[i] = (1 / (1 + Math.exp(-zs[i]!)) - ts[i]!) * scale;
    return [dx];
  });
}
