// Compiles each AssemblyScript entry in src/kernels/assembly/*.entry.ts to build/wasm/<name>.wasm.
// The modules import one shared memory so the main thread and the worker pool compute on the same bytes.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src/kernels/assembly");
const outDir = join(root, "build/wasm");
mkdirSync(outDir, { recursive: true });
const asc = join(root, "node_modules/assemblyscript/bin/asc.js");

// Every module shares one memory, so each gets its own 64 KiB slot for static data below the 1 MiB that
// the runtime (src/kernels/wasm/memory.ts, RESERVED_BYTES) never hands out: keep static data under 64 KiB.
const entries = readdirSync(srcDir).filter((f) => f.endsWith(".entry.ts")).sort();
if (entries.length > 15) throw new Error("more than 15 wasm modules: raise RESERVED_BYTES in src/kernels/wasm/memory.ts");
for (const [index, file] of entries.entries()) {
  const name = file.replace(/\.entry\.ts$/, "");
  const args = [
    asc,
    join(srcDir, file),
    "-o", join(outDir, `${name}.wasm`),
    "-O3", "--noAssert",
    "--enable", "simd", "--enable", "threads",
    "--runtime", "stub",
    "--importMemory", "--sharedMemory", "--initialMemory", "256", "--maximumMemory", "65536",
    "--memoryBase", String(65536 * (index + 1)),
  ];
  execFileSync(process.execPath, args, { stdio: "inherit" });
  console.log(`built build/wasm/${name}.wasm`);
}
