import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { loadedModules, onModuleLoaded, type KernelModule } from "./modules.js";
import { sharedMemory } from "./memory.js";
import { CMD, CTL, SPIN_ITERATIONS, workerSource } from "./worker-source.js";

/**
 * A synchronous worker-thread pool over the shared memory. The main thread is thread 0 and computes its
 * share too; workers 1..T-1 sleep on a control block. `runTask` splits a range of work units into contiguous
 * chunks, wakes the workers, runs chunk 0, and blocks until all chunks are done. Tasks must be written so
 * that the split never changes results (split outputs, never a reduction).
 */
const MAX_THREADS = 2;
const WAIT_LIMIT_MS = 60_000;

interface PoolState {
  ctl: Int32Array;
  workers: Worker[];
  ports: MessagePort[];
}

let state: PoolState | null = null;
let broken = false;
let threadLimit = Math.min(MAX_THREADS, availableParallelism());

/** Total threads (main included) a task may use. */
export function poolThreads(): number {
  return threadLimit;
}

/** Caps the thread count (tests use 1 and 2 to check results do not depend on it). */
export function setPoolThreads(n: number): void {
  threadLimit = Math.max(1, Math.min(MAX_THREADS, Math.floor(n)));
}

/** Workers currently running (0 until a task first asks for more than one thread). */
export function poolWorkerCount(): number {
  return state === null ? 0 : state.workers.length;
}

function startPool(workerCount: number): PoolState | null {
  const control = new SharedArrayBuffer((CTL.ranges + 2 * (workerCount + 1)) * 4);
  const ctl = new Int32Array(control);
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let i = 1; i <= workerCount; i++) {
    const { port1, port2 } = new MessageChannel();
    for (const m of loadedModules()) port1.postMessage({ id: m.id, module: m.module });
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { control, memory: sharedMemory, port: port2, index: i },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    workers.push(worker);
    ports.push(port1);
  }
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Atomics.load(ctl, CTL.ready) < workerCount) {
    const seen = Atomics.load(ctl, CTL.ready);
    if (Date.now() > deadline) return null;
    Atomics.wait(ctl, CTL.ready, seen, 100);
  }
  return { ctl, workers, ports };
}

function sendModule(m: KernelModule): void {
  if (state === null) return;
  for (const port of state.ports) port.postMessage({ id: m.id, module: m.module });
  dispatch(state, CMD.load, 0, 0, 0, [], state.workers.length);
  // wait for the load: a run dispatched before the workers woke would overwrite the command and find no module
  awaitWorkers(state);
}

onModuleLoaded(sendModule);

function dispatch(s: PoolState, command: number, moduleId: number, fn: number, args: number, ranges: number[], workerCount: number): void {
  const { ctl } = s;
  ctl[CTL.command] = command;
  ctl[CTL.module] = moduleId;
  ctl[CTL.fn] = fn;
  ctl[CTL.args] = args;
  for (let i = 0; i < ranges.length; i++) ctl[CTL.ranges + i] = ranges[i]!;
  Atomics.store(ctl, CTL.pending, workerCount);
  Atomics.add(ctl, CTL.generation, 1);
  Atomics.notify(ctl, CTL.generation);
}

function awaitWorkers(s: PoolState): void {
  const { ctl } = s;
  let spins = SPIN_ITERATIONS;
  while (Atomics.load(ctl, CTL.pending) !== 0 && spins-- > 0);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const pending = Atomics.load(ctl, CTL.pending);
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error("kernel worker pool stopped responding");
    Atomics.wait(ctl, CTL.pending, pending, 100);
  }
  if (Atomics.exchange(ctl, CTL.failed, 0) !== 0) throw new Error("a kernel failed in a pool worker");
}

/**
 * Runs export `fn` of module `m` as `fn(args, start, end, thread)` over work units [0, units), on up to
 * `threads` threads (capped by the pool size and by the unit count).
 */
export function runTask(m: KernelModule, fn: string, args: number, units: number, threads = threadLimit): void {
  const task = m.exports[fn]!;
  const t = Math.max(1, Math.min(threads, threadLimit, units));
  if (t > 1 && state === null && !broken) {
    state = startPool(MAX_THREADS - 1);
    if (state === null) broken = true;
  }
  if (t === 1 || state === null) {
    if (units > 0) task(args, 0, units, 0);
    return;
  }
  const bounds: number[] = [];
  for (let i = 0; i <= t; i++) bounds.push(Math.round((units * i) / t));
  const ranges: number[] = [];
  for (let i = 0; i <= state.workers.length; i++) {
    ranges.push(i < t ? bounds[i]! : 0, i < t ? bounds[i + 1]! : 0);
  }
  dispatch(state, CMD.run, m.id, m.fnIndex(fn), args, ranges, state.workers.length);
  try {
    task(args, bounds[0]!, bounds[1]!, 0);
  } finally {
    awaitWorkers(state);
  }
}
