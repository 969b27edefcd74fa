/**
 * The WebAssembly kernel runtime, for every kernel module (f32 here, int8 alongside).
 *
 * Pieces:
 * - memory.ts: one shared WebAssembly.Memory that all modules and all pool workers import. The JS side
 *   bump-allocates operands in it per kernel call (resetScratch / allocScratch / copyIn / copyOut / argsRecord),
 *   and allocPersistent for data that must outlive a call (pre-packed weights).
 * - modules.ts: loadKernelModule(name) instantiates build/wasm/<name>.wasm on that memory (null when not built,
 *   so callers fall back to the TS kernels) and tells the pool, whose workers instantiate it too.
 * - pool.ts: runTask(module, exportName, argsPtr, units, threads?) runs `export(args, start, end, thread)` on
 *   up to poolThreads() threads (the main thread is thread 0 and works too), splitting [0, units) into
 *   contiguous chunks; it returns when every chunk is done. Split outputs, never a reduction, so results do
 *   not depend on the thread count.
 *
 * Adding a module (e.g. int8 kernels):
 * 1. Write src/kernels/assembly/<name>.entry.ts; `npm run build:wasm` compiles every *.entry.ts with the same
 *    flags (SIMD, imported shared memory, stub runtime) and gives each module its own 64 KiB static-data slot
 *    below RESERVED_BYTES: keep static data (constant arrays, strings) under 64 KiB, use no managed objects.
 * 2. Export parallel kernels with the signature `(args: usize, start: i32, end: i32, thread: i32): void`; read
 *    pointers and sizes from the i32 record at `args` (argsRecord writes it). Per-thread scratch: pass a base
 *    and a per-thread stride in the record and offset by `thread`.
 * 3. From TS: `const m = loadKernelModule("<name>")`, then per call `resetScratch()`, copy operands in, write
 *    the record, `runTask(m, "<export>", args, units)` (or call `m.exports.<fn>` directly for one thread), and
 *    copy the result out with copyOut (not `.slice()` on a view of the shared memory: V8's slow path).
 */
export { allocPersistent, allocScratch, argsRecord, copyIn, copyOut, f32View, i32View, resetScratch, sharedMemory } from "./memory.js";
export { loadKernelModule, type KernelModule } from "./modules.js";
export { poolThreads, poolWorkerCount, runTask, setPoolThreads } from "./pool.js";
