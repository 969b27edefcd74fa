/**
 * Default hyperparameters per zoo model, chosen so that full Fashion-MNIST reaches the accuracy the issue asks
 * for (LeNet-300-100 >= 89%, LeNet-5 >= 90%): Adam with a cosine decay to zero over the run.
 */
export type OptimizerName = "sgd" | "adam";

export interface TrainRecipe {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Peak learning rate per optimizer (used when the user picks the other optimizer without --lr). */
  lr: Record<OptimizerName, number>;
  weightDecay: number;
}

const CONV_RECIPE: TrainRecipe = { epochs: 15, batchSize: 64, optimizer: "adam", lr: { adam: 1e-3, sgd: 0.05 }, weightDecay: 0 };

export const RECIPES: Record<string, TrainRecipe> = {
  lenet300: { epochs: 15, batchSize: 64, optimizer: "adam", lr: { adam: 1e-3, sgd: 0.05 }, weightDecay: 0 },
  lenet5: CONV_RECIPE,
  dscnn: { epochs: 10, batchSize: 64, optimizer: "adam", lr: { adam: 2e-3, sgd: 0.05 }, weightDecay: 0 },
};

export function recipeFor(model: string): TrainRecipe {
  return RECIPES[model] ?? CONV_RECIPE;
}

/** SGD's momentum in every recipe. */
export const SGD_MOMENTUM = 0.9;
