/** Loss and accuracy of a model on a dataset, in evaluation mode and without recording a tape. */
import { noGrad, softmaxCrossEntropy, Variable } from "../autograd/index.js";
import { DataLoader, type ImageDataset } from "../data/index.js";
import type { TrainableModel } from "./contracts.js";

export interface EvalMetrics {
  loss: number;
  accuracy: number;
  count: number;
}

export function evaluate(model: TrainableModel, dataset: ImageDataset, batchSize = 500): EvalMetrics {
  model.setTraining(false);
  const loader = new DataLoader(dataset, { batchSize, flatten: model.flatInput });
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (const batch of loader.epoch()) {
      const logits = model.forward(new Variable(batch.inputs));
      lossSum += softmaxCrossEntropy(logits, batch.labels).item() * batch.size;
      correct += countCorrect(logits.values, batch.labels);
    }
  });
  return { loss: lossSum / dataset.count, accuracy: correct / dataset.count, count: dataset.count };
}

/** How many rows' arg-max equals the label (the first maximum wins ties). */
export function countCorrect(logits: Float32Array, labels: Int32Array): number {
  const classes = logits.length / labels.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    if (best === labels[i]) correct++;
  }
  return correct;
}
