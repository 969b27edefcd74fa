/**
 * Source of a pool worker, evaluated with `new Worker(code, { eval: true })` so it needs no file on disk
 * (works from src/ under vitest and from dist/). The worker instantiates each kernel module on the shared
 * memory and sleeps on the control block until the main thread posts a job.
 *
 * Control block (Int32Array over a SharedArrayBuffer); pool.ts is the writer side.
 * - generation: bumped for every job, what sleeping workers wait on.
 * - mailbox[i]: the job id offered to worker i (0: none; > 0: run chunk i; < 0: load the modules queued on
 *   its port). A worker takes a job by compare-exchanging its mailbox to 0. For runs the main thread may take
 *   the chunk itself the same way (a descheduled worker then costs nothing), so job fields are read only
 *   after a successful claim, while the main thread waits on `pending` and leaves them alone.
 * - pending: claimed-or-unclaimed chunks not yet finished; whoever finishes one decrements it.
 */
export const CTL = {
  generation: 0,
  pending: 1,
  module: 2,
  fn: 3,
  args: 4,
  failed: 5,
  ready: 6,
  /** [start, end) per thread (main thread first), then one mailbox per worker. */
  ranges: 8,
} as const;

/** Index of worker `index`'s mailbox (workers are numbered from 1; thread 0 is the main thread). */
export function mailboxSlot(threads: number, index: number): number {
  return CTL.ranges + 2 * threads + index;
}

/** Polls before sleeping: futex wake-ups cost tens of microseconds, a training step makes dozens of calls. */
export const SPIN_ITERATIONS = 20000;

export const workerSource = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { control, memory, port, index, threads } = workerData;
const ctl = new Int32Array(control);
const CTL = ${JSON.stringify(CTL)};
const mailbox = CTL.ranges + 2 * threads + index;
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
  const job = Atomics.load(ctl, mailbox);
  if (job === 0 || Atomics.compareExchange(ctl, mailbox, job, 0) !== job) continue;
  try {
    if (job < 0) loadPending();
    else {
      const start = ctl[CTL.ranges + 2 * index];
      const end = ctl[CTL.ranges + 2 * index + 1];
      modules[ctl[CTL.module]][ctl[CTL.fn]](ctl[CTL.args], start, end, index);
    }
  } catch (e) {
    Atomics.store(ctl, CTL.failed, 1);
  }
  if (Atomics.sub(ctl, CTL.pending, 1) === 1) Atomics.notify(ctl, CTL.pending);
}
`;
