/** A small slice of the bundled Fashion-MNIST subset, loaded once, for quick retraining tests. */
import { loadFashionMnist, takeFirst, type TrainTestSplit } from "../../src/data/index.js";

let cached: TrainTestSplit | undefined;

export function smallSplit(count: number): TrainTestSplit {
  cached ??= loadFashionMnist({ subset: true, normalize: true });
  return { ...cached, train: takeFirst(cached.train, count), test: takeFirst(cached.test, count) };
}
