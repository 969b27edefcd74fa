/**
 * Building and running a generated project: `make` with the host compiler (optionally ASan+UBSan) or
 * arm-none-eabi-gcc, then the host binary or qemu-system-arm (mps2-an500, Cortex-M7, semihosting for files and
 * argv). Tensors travel as files copied into the project folder, so no path ever has to survive qemu's option
 * syntax. Instruction counts come from our qemu plugin (tools/qemu-plugin/insn.c), built on demand.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UnsupportedError } from "../errors/index.js";

export type BuildTarget = "host" | "asan" | "arm";

const EXECUTABLE: Record<BuildTarget, string> = { host: "model_host", asan: "model_asan", arm: "model.elf" };

export function hasTool(command: string): boolean {
  const r = spawnSync(command, ["--version"], { stdio: "ignore" });
  return r.error === undefined && r.status === 0;
}

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** Runs `make <target>` in the project folder; returns the executable's path. */
export function buildProject(dir: string, target: BuildTarget): string {
  const need = target === "arm" ? "arm-none-eabi-gcc" : "cc";
  if (!hasTool("make")) throw new UnsupportedError(`cannot build for ${target}: make is not installed`, "install make (Debian: apt-get install make)");
  if (!hasTool(need)) {
    throw new UnsupportedError(`cannot build for ${target}: ${need} is not installed`, target === "arm" ? "install Debian's gcc-arm-none-eabi and libnewlib-arm-none-eabi" : "install a C compiler (gcc or clang)");
  }
  const r = spawnSync("make", ["-s", target], { cwd: dir, encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new UnsupportedError(`building the generated C (${target}) failed:\n${tail(`${r.stdout ?? ""}${r.stderr ?? ""}${r.error?.message ?? ""}`)}`, "this is a bug in the C generator; please report it with the model");
  }
  return join(dir, EXECUTABLE[target]);
}

export interface RunResult {
  /** Instructions executed by the whole program (qemu with our plugin only). */
  instructions?: number;
}

/** Runs the built model over (input file, output file) pairs. */
export function runProject(dir: string, target: BuildTarget, pairs: readonly (readonly [string, string])[], options: { plugin?: string; timeoutMs?: number } = {}): RunResult {
  const args: string[] = [];
  pairs.forEach(([input], i) => {
    copyFileSync(input, join(dir, `in_${i}.bin`));
    args.push(`in_${i}.bin`, `out_${i}.bin`);
  });
  let r;
  if (target === "arm") {
    if (!hasTool("qemu-system-arm")) throw new UnsupportedError("cannot run on qemu: qemu-system-arm is not installed", "install Debian's qemu-system-arm, or use --run host");
    const semi = ["enable=on", "target=native", "arg=model.elf", ...args.map((a) => `arg=${a}`)].join(",");
    const plugin = options.plugin ? ["-d", "plugin", "-plugin", options.plugin] : [];
    r = spawnSync("qemu-system-arm", ["-M", "mps2-an500", "-nographic", ...plugin, "-semihosting-config", semi, "-kernel", "model.elf"], { cwd: dir, encoding: "utf8", timeout: options.timeoutMs ?? 300_000 });
  } else {
    r = spawnSync(join(dir, EXECUTABLE[target]), args, { cwd: dir, encoding: "utf8", timeout: options.timeoutMs ?? 300_000 });
  }
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error || r.status !== 0) {
    throw new UnsupportedError(`running the generated model (${target}) failed with status ${r.status}:\n${tail(out || (r.error?.message ?? ""))}`, "check the input file's size and type; if they match the model, report this as a bug");
  }
  pairs.forEach(([, output], i) => {
    mkdirSync(dirname(output), { recursive: true });
    copyFileSync(join(dir, `out_${i}.bin`), output);
  });
  const m = /dietml-insns: (\d+)/.exec(out);
  return m ? { instructions: Number(m[1]) } : {};
}

/** text/data/bss of the Cortex-M build (flash = text + data). */
export function elfSections(elf: string): { text: number; data: number; bss: number } {
  const r = spawnSync("arm-none-eabi-size", [elf], { encoding: "utf8" });
  const line = (r.stdout ?? "").trim().split("\n")[1];
  if (!line) throw new UnsupportedError(`arm-none-eabi-size could not read ${elf}`, "install binutils-arm-none-eabi");
  const [text, data, bss] = line.trim().split(/\s+/).map(Number) as [number, number, number];
  return { text, data, bss };
}

/** tools/qemu-plugin/insn.c, found by walking up from this module (works from src/ and dist/). */
function pluginSource(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "tools", "qemu-plugin", "insn.c");
    if (existsSync(candidate) && existsSync(join(dir, "package.json")) && readFileSync(join(dir, "package.json"), "utf8").includes('"dietml"')) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new UnsupportedError("tools/qemu-plugin/insn.c is missing from this installation", "reinstall dietml");
    dir = parent;
  }
}

/** Compiles the instruction-counting plugin into `outDir`; returns the .so path. */
export function buildInsnPlugin(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const so = join(outDir, "libinsn.so");
  const r = spawnSync("gcc", ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-o", so, pluginSource()], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new UnsupportedError(`building the qemu plugin failed:\n${tail(`${r.stderr ?? ""}${r.error?.message ?? ""}`)}`, "install gcc");
  return so;
}
