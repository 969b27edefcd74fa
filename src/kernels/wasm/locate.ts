import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Finds build/wasm/<name>.wasm by walking up from this module's folder, so the same code works from
 * src/ (vitest, tsx) and from dist/src/ (compiled). Returns null when the WASM has not been built.
 */
export function locateWasm(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "build", "wasm", `${name}.wasm`);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
