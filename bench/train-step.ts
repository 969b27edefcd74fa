/**
 * Per-step training time (batch 64, plain SGD, the same architecture, initial weights and Fashion-MNIST batches)
 * of LeNet-5 and LeNet-300-100: dietml (all kernel threads, and one thread) against TensorFlow.js 4.22 with the
 * `wasm` backend (single-threaded XNNPACK; given a Conv2DBackpropFilter, see ./tfjs) and the `cpu` backend.
 * Every engine is warmed up before it is timed. Also prints where dietml's step time goes.
 */
import * as tf from "@tensorflow/tfjs";
import { backward, softmaxCrossEntropy, Variable } from "../src/autograd/index.js";
import { DataLoader, loadFashionMnist } from "../src/data/index.js";
import { poolThreads, setKernelBackend, setPoolThreads } from "../src/kernels/index.js";
import { createModel } from "../src/models/index.js";
import { SGD } from "../src/optim/index.js";
import { Rng } from "../src/tensor/index.js";
import { timeSteps, type StepTimerOptions, type StepTiming } from "./stepTimer.js";
import { useTfjsBackend } from "./tfjs/backend.js";
import { tfjsLenetTrainer } from "./tfjs/lenet.js";
import { formatProfile, profileSteps } from "./trainProfile.js";

export interface TrainStepRow {
  model: string;
  parameters: number;
  /** Median ms per step. */
  dietml: number;
  dietml1Thread: number;
  tfjsWasm: number;
  tfjsCpu: number;
  /** tfjs time / dietml time: > 1 means dietml is faster. */
  speedupVsWasm: number;
  speedupVsCpu: number;
  threads: number;
}

export interface TrainStepBenchOptions {
  models?: string[];
  batchSize?: number;
  lr?: number;
  /** Shorter warm-up and timing (for a smoke run). */
  quick?: boolean;
  log?: (line: string) => void;
}

const BATCHES = 8;

export async function benchTrainStep(options: TrainStepBenchOptions = {}): Promise<TrainStepRow[]> {
  const models = options.models ?? ["lenet5", "lenet300"];
  const batchSize = options.batchSize ?? 64;
  const lr = options.lr ?? 0.01;
  const log = options.log ?? ((line: string) => console.log(line));
  const fast: StepTimerOptions = options.quick === true
    ? { warmupSteps: 5, warmupMs: 300, minSteps: 5, measureMs: 300, maxSteps: 50 }
    : { warmupSteps: 200, warmupMs: 2000, minSteps: 20, measureMs: 2000, maxSteps: 2000 };
  // tfjs's cpu backend is plain JS and slow on convolutions: fewer steps keep the benchmark short.
  const slow: StepTimerOptions = { warmupSteps: 2, warmupMs: 1000, minSteps: 3, measureMs: options.quick === true ? 0 : 3000, maxSteps: 20 };

  const split = loadFashionMnist({ subset: true, normalize: true });
  const loader = new DataLoader(split.train, { batchSize });
  const batches = [...loader.epoch()].slice(0, BATCHES);
  setKernelBackend("wasm");
  const threads = poolThreads();
  const rows: TrainStepRow[] = [];
  const profiles: string[] = [];

  for (const name of models) {
    const fresh = () => createModel(name, new Rng(1), { inputShape: split.train.imageShape, numClasses: split.train.numClasses });
    const inputs = batches.map((b) => ({ x: new Variable(b.inputs), labels: b.labels }));

    const dietmlStep = (): ((i: number) => void) => {
      const model = fresh();
      const opt = new SGD(model.namedParameters(), { lr });
      return (i) => {
        const { x, labels } = inputs[i % inputs.length]!;
        opt.zeroGrad();
        backward(softmaxCrossEntropy(model.forward(x), labels));
        opt.step();
      };
    };
    setPoolThreads(threads);
    const dietml = timeSteps(dietmlStep(), fast);
    setPoolThreads(1);
    const dietml1Thread = timeSteps(dietmlStep(), fast);
    setPoolThreads(threads);

    const tfjsWasm = await timeTfjs("wasm", name, fresh().namedParameters(), lr, batches, fast);
    const tfjsCpu = await timeTfjs("cpu", name, fresh().namedParameters(), lr, batches, slow);

    const model = fresh();
    rows.push({
      model: name, parameters: model.parameterCount(), dietml: dietml.medianMs, dietml1Thread: dietml1Thread.medianMs,
      tfjsWasm: tfjsWasm.medianMs, tfjsCpu: tfjsCpu.medianMs,
      speedupVsWasm: tfjsWasm.medianMs / dietml.medianMs, speedupVsCpu: tfjsCpu.medianMs / dietml.medianMs, threads,
    });
    profileSteps(model, new SGD(model.namedParameters(), { lr }), inputs, 10); // warm the profiled instance
    profiles.push(formatProfile(`dietml ${name} step profile (${threads} thread(s), batch ${batchSize})`, profileSteps(model, new SGD(model.namedParameters(), { lr }), inputs, 40)));
  }
  log(formatTrainStepTable(rows, batchSize));
  log("");
  log(profiles.join("\n\n"));
  return rows;
}

async function timeTfjs(
  backend: "wasm" | "cpu", name: string, params: [string, Variable][], lr: number,
  batches: { inputs: { data: Float32Array; shape: readonly number[] }; labels: Int32Array }[], o: StepTimerOptions,
): Promise<StepTiming> {
  await useTfjsBackend(backend);
  const trainer = tfjsLenetTrainer(name, params, lr);
  const data = batches.map((b) => ({
    x: tf.tensor4d(b.inputs.data, b.inputs.shape as [number, number, number, number]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(b.labels, "int32"), 10) as tf.Tensor2D),
  }));
  try {
    return timeSteps((i) => {
      const { x, y } = data[i % data.length]!;
      trainer.step(x, y);
      trainer.sync();
    }, o);
  } finally {
    trainer.dispose();
    for (const d of data) tf.dispose([d.x, d.y]);
  }
}

export function formatTrainStepTable(rows: readonly TrainStepRow[], batchSize: number): string {
  const threads = rows[0]?.threads ?? 1;
  const lines = [
    `Training step, batch ${batchSize}, SGD, Fashion-MNIST: median ms per step (dietml: ${threads} thread(s) and 1 thread; ` +
      "TensorFlow.js 4.22 wasm (1 thread) and cpu); speed-up = tfjs time / dietml time",
    ["model", "params", "dietml", "dietml 1T", "tfjs-wasm", "tfjs-cpu", "vs wasm", "vs wasm 1T", "vs cpu"].map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(11))).join(""),
  ];
  for (const r of rows) {
    lines.push([
      r.model.padEnd(10), String(r.parameters), r.dietml.toFixed(2), r.dietml1Thread.toFixed(2), r.tfjsWasm.toFixed(2), r.tfjsCpu.toFixed(1),
      `${r.speedupVsWasm.toFixed(2)}x`, `${(r.tfjsWasm / r.dietml1Thread).toFixed(2)}x`, `${r.speedupVsCpu.toFixed(1)}x`,
    ].map((c, i) => (i === 0 ? c : c.padStart(11))).join(""));
  }
  return lines.join("\n");
}
