/** Parameter-free activation layers. */
import { hardSwish, leakyRelu, relu, relu6, sigmoid, tanh, type Variable } from "../autograd/index.js";
import { Module } from "./module.js";

export class ReLU extends Module {
  forward(x: Variable): Variable {
    return relu(x);
  }
}

export class ReLU6 extends Module {
  forward(x: Variable): Variable {
    return relu6(x);
  }
}

export class HardSwish extends Module {
  forward(x: Variable): Variable {
    return hardSwish(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Variable): Variable {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Variable): Variable {
    return tanh(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly alpha = 0.2) {
    super();
  }

  forward(x: Variable): Variable {
    return leakyRelu(x, this.alpha);
  }
}
