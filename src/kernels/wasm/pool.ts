import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { loadedModules, onModuleLoaded, type KernelModule } from "./modules.js";
import { sharedMemory } from "./memory.js";
import { CTL, SPIN_ITERATIONS, mailboxSlot, workerSource } from "./worker-source.js";

/**
 * A synchronous worker-thread pool over the shared memory. The main thread is thread 0 and computes its
 * share too; workers 1..T-1 sleep on a control block. `runTask` splits a range of work units into contiguous
 * chunks, offers chunk i to worker i, runs chunk 0, then takes back every chunk no worker has claimed yet
 * (on a busy machine a worker may not be scheduled for milliseconds) and blocks until all chunks are done.
 * Tasks must be written so that the split never changes results (split outputs, never a reduction), and
 * must pick per-thread scratch by the `thread` argument (a chunk run by another thread gets that thread's).
 */
const MAX_THREADS = 2;
const WAIT_LIMIT_MS = 60_000;

interface PoolState {
  ctl: Int32Array;
  workers: Worker[];
  ports: MessagePort[];
  /** Last job id handed out (runs are offered as +id, module loads as -id; 0 means "no job"). */
  lastJob: number;
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
  const threads = workerCount + 1;
  const control = new SharedArrayBuffer((mailboxSlot(threads, workerCount) + 1) * 4);
  const ctl = new Int32Array(control);
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let i = 1; i <= workerCount; i++) {
    const { port1, port2 } = new MessageChannel();
    for (const m of loadedModules()) port1.postMessage({ id: m.id, module: m.module });
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { control, memory: sharedMemory, port: port2, index: i, threads },
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
  return { ctl, workers, ports, lastJob: 0 };
}

function sendModule(m: KernelModule): void {
  if (state === null) return;
  for (const port of state.ports) port.postMessage({ id: m.id, module: m.module });
  // every worker must load it (no stealing); wait, so no run is offered before the module is there
  const job = -nextJobId(state);
  const offers = state.workers.map(() => job);
  post(state, offers);
  awaitWorkers(state);
}

onModuleLoaded(sendModule);

/** A fresh positive job id that stays clear of int32 overflow (the sign tells runs from loads). */
function nextJobId(s: PoolState): number {
  s.lastJob = (s.lastJob % 0x3fffffff) + 1;
  return s.lastJob;
}

/** Fills the mailboxes (0 = nothing for that worker), sets pending, and wakes the workers. */
function post(s: PoolState, offers: number[]): void {
  const { ctl } = s;
  const threads = s.workers.length + 1;
  // pending first: a worker still looping from an earlier job may claim its mailbox before the wake-up
  Atomics.store(ctl, CTL.pending, offers.filter((o) => o !== 0).length);
  for (let i = 0; i < offers.length; i++) Atomics.store(ctl, mailboxSlot(threads, i + 1), offers[i]!);
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
  const task = m.exports[fn];
  if (typeof task !== "function") {
    throw new Error(`build/wasm/${m.name}.wasm has no export ${fn}: it is stale, rebuild it with \`npm run build:wasm\``);
  }
  const t = Math.max(1, Math.min(threads, threadLimit, units));
  if (t > 1 && state === null && !broken) {
    state = startPool(MAX_THREADS - 1);
    if (state === null) broken = true;
  }
  if (t === 1 || state === null) {
    if (units > 0) task(args, 0, units, 0);
    return;
  }
  const s = state;
  const { ctl } = s;
  const bounds: number[] = [];
  for (let i = 0; i <= t; i++) bounds.push(Math.round((units * i) / t));
  for (let i = 0; i <= s.workers.length; i++) {
    ctl[CTL.ranges + 2 * i] = i < t ? bounds[i]! : 0;
    ctl[CTL.ranges + 2 * i + 1] = i < t ? bounds[i + 1]! : 0;
  }
  ctl[CTL.module] = m.id;
  ctl[CTL.fn] = m.fnIndex(fn);
  ctl[CTL.args] = args;
  const job = nextJobId(s);
  const threadsTotal = s.workers.length + 1;
  post(s, s.workers.map((_, i) => (i + 1 < t && bounds[i + 2]! > bounds[i + 1]! ? job : 0)));
  try {
    task(args, bounds[0]!, bounds[1]!, 0);
    // take back the chunks no worker has started; run them here with this thread's scratch
    for (let i = 1; i < t; i++) {
      const slot = mailboxSlot(threadsTotal, i);
      if (Atomics.compareExchange(ctl, slot, job, 0) !== job) continue;
      try {
        task(args, bounds[i]!, bounds[i + 1]!, 0);
      } finally {
        Atomics.sub(ctl, CTL.pending, 1);
      }
    }
  } finally {
    awaitWorkers(s);
  }
}
