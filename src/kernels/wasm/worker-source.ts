/**
 * Source of a pool worker, evaluated with `new Worker(code, { eval: true })` so it needs no file on disk
 * (works from src/ under vitest and from dist/). The worker instantiates each kernel module on the shared
 * memory and sleeps on the control block until the main thread posts a command.
 *
 * Control block (Int32Array over a SharedArrayBuffer), see pool.ts for the writer side.
 */
export const CTL = {
  generation: 0,
  pending: 1,
  command: 2,
  module: 3,
  fn: 4,
  args: 5,
  failed: 6,
  ready: 7,
  ranges: 8,
} as const;

export const CMD = { run: 0, load: 1, exit: 2 } as const;

/** Polls before sleeping: futex wake-ups cost tens of microseconds, a training step makes dozens of calls. */
export const SPIN_ITERATIONS = 20000;

export const workerSource = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { control, memory, port, index } = workerData;
const ctl = new Int32Array(control);
const CTL = ${JSON.stringify(CTL)};
const CMD = ${JSON.stringify(CMD)};
const modules = [];
function loadPending() {
  for (;;) {
    const msg = receiveMessageOnPort(port);
    if (msg === undefined) return;
    const { id, module } = msg.message;
    const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm abort"); } } });
    modules[id] = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => instance.exports[e.name]);
  }
}
loadPending();
// read the generation before announcing readiness: the main thread may post the first job right after
let seen = Atomics.load(ctl, CTL.generation);
Atomics.add(ctl, CTL.ready, 1);
Atomics.notify(ctl, CTL.ready);
for (;;) {
  let spins = ${SPIN_ITERATIONS};
  while (Atomics.load(ctl, CTL.generation) === seen && spins-- > 0);
  while (Atomics.load(ctl, CTL.generation) === seen) Atomics.wait(ctl, CTL.generation, seen);
  seen = Atomics.load(ctl, CTL.generation);
  const command = ctl[CTL.command];
  if (command === CMD.exit) break;
  try {
    if (command === CMD.load) loadPending();
    else {
      const start = ctl[CTL.ranges + 2 * index];
      const end = ctl[CTL.ranges + 2 * index + 1];
      if (end > start) modules[ctl[CTL.module]][ctl[CTL.fn]](ctl[CTL.args], start, end, index);
    }
  } catch (e) {
    Atomics.store(ctl, CTL.failed, 1);
  }
  if (Atomics.sub(ctl, CTL.pending, 1) === 1) Atomics.notify(ctl, CTL.pending);
}
`;
