/**
 * What the training loop needs from a model and an optimizer: the small seams it is written against, so it
 * works with any nn Module and any optim optimizer (adapters live in ./adapters.ts).
 */
import type { Variable } from "../autograd/index.js";
import type { Tensor } from "../tensor/index.js";

export interface TrainableModel {
  /** Logits [batch, classes] for a batch of inputs. */
  forward(input: Variable): Variable;
  /** Trainable parameters by stable name (e.g. "conv1.weight"): saved in checkpoints and the final file. */
  namedParameters(): [string, Variable][];
  /** Non-trainable state that changes in training (e.g. BatchNorm running statistics). */
  namedBuffers(): [string, Tensor<"f32">][];
  /** Switch between training behaviour (dropout on, batch statistics) and evaluation. */
  setTraining(training: boolean): void;
  /** Whether the model takes flat [batch, features] inputs (an MLP) instead of NHWC images. */
  readonly flatInput: boolean;
}

export interface TrainOptimizer {
  /** Applies one update to every parameter from its accumulated gradient at learning rate `lr`. */
  step(lr: number): void;
  /** Clears the gradients accumulated by backward(). */
  zeroGrad(): void;
  /** Everything step() depends on besides parameters (momentum, Adam moments, step count), by name. */
  stateTensors(): [string, Tensor][];
  /** Restore what stateTensors() returned (from a checkpoint). */
  loadStateTensors(state: ReadonlyMap<string, Tensor>): void;
}

/** Learning rate for a global step (0-based) of a run with `totalSteps` steps. */
export type LrSchedule = (step: number, totalSteps: number) => number;
