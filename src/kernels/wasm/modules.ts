import { readFileSync } from "node:fs";
import { locateWasm } from "./locate.js";
import { sharedMemory } from "./memory.js";

/** A kernel module instantiated on the shared memory; `fnIndex` is how the pool names an export to workers. */
export interface KernelModule {
  readonly id: number;
  readonly name: string;
  readonly module: WebAssembly.Module;
  readonly exports: Record<string, (...args: number[]) => number>;
  fnIndex(exportName: string): number;
}

const loaded = new Map<string, KernelModule | null>();
const byId: KernelModule[] = [];
const listeners: ((m: KernelModule) => void)[] = [];

/** Order in which the worker lists functions: the module's export order, functions only. */
export function functionExportNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
}

/**
 * Loads build/wasm/<name>.wasm once and instantiates it on the shared memory; null when it is not built
 * (callers then use the reference kernels). The pool is told so its workers instantiate it too.
 */
export function loadKernelModule(name: string): KernelModule | null {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const path = locateWasm(name);
  let result: KernelModule | null = null;
  if (path !== null) {
    const module = new WebAssembly.Module(readFileSync(path));
    const instance = new WebAssembly.Instance(module, {
      env: { memory: sharedMemory, abort: () => { throw new Error(`wasm module ${name} aborted`); } },
    });
    const names = functionExportNames(module);
    result = {
      id: byId.length,
      name,
      module,
      exports: instance.exports as KernelModule["exports"],
      fnIndex: (exportName) => {
        const i = names.indexOf(exportName);
        if (i < 0) throw new Error(`wasm module ${name} has no export ${exportName}`);
        return i;
      },
    };
    byId.push(result);
    for (const listen of listeners) listen(result);
  }
  loaded.set(name, result);
  return result;
}

export function loadedModules(): readonly KernelModule[] {
  return byId;
}

/** The pool subscribes here to hand modules loaded after it started to its workers. */
export function onModuleLoaded(listen: (m: KernelModule) => void): void {
  listeners.push(listen);
}
