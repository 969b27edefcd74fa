/** Adapters from nn Modules and optim Optimizers to the training loop's contracts. */
import type { Module } from "../nn/index.js";
import type { Optimizer } from "../optim/index.js";
import type { TrainableModel, TrainOptimizer } from "./contracts.js";

/** A Module as a trainable model; `flatInput` for MLPs that take [batch, features]. */
export function trainableModule(module: Module, flatInput = false): TrainableModel {
  return {
    forward: (x) => module.forward(x),
    namedParameters: () => module.namedParameters(),
    namedBuffers: () => module.namedBuffers(),
    setTraining: (training) => (training ? module.train() : module.eval()),
    flatInput,
  };
}

/** An Optimizer driven by the loop's schedule: the learning rate is set before every step. */
export function trainableOptimizer(optimizer: Optimizer): TrainOptimizer {
  return {
    step: (lr) => {
      optimizer.lr = lr;
      optimizer.step();
    },
    zeroGrad: () => optimizer.zeroGrad(),
    stateTensors: () => [...optimizer.stateTensors()],
    loadStateTensors: (state) => optimizer.loadStateTensors(state),
  };
}
