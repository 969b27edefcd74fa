/**
 * Softmax cross-entropy from logits [N, K] and integer labels, averaged over the batch, as one fused op:
 * the forward keeps log-softmax (N*K floats, saved only when the logits need a gradient) and the backward
 * is (softmax - onehot) / N, with no separate softmax node in between.
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
