/** `dietml deploy`: plan memory, write a C99 project for a microcontroller, check it fits, optionally build and run it. */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { deployModel, parsePatch, type DeployReport } from "../../codegen/deploy.js";
import { buildProject, runProject } from "../../codegen/toolchain.js";
import { ArgumentError } from "../../errors/index.js";
import { deviceIds, findDevice } from "../../hardware/index.js";
import { printResult, type CliIo } from "../io.js";
import { loadModelFile } from "./model-file.js";
import { readModelInput, writeModelOutput } from "./tensor-files.js";

interface DeployOptions {
  device: string;
  out: string;
  patch?: string;
  run?: string;
  input?: string;
  output?: string;
  json: boolean;
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB (${n.toLocaleString("en-US")} bytes)`;
}

function humanLines(r: DeployReport, ran: string | null): string[] {
  const lines = [
    `wrote ${r.out}/ (model.c, model.h, dietml_rt.h, main.c, startup.c, link.ld, Makefile) for ${r.device}`,
    `peak SRAM   ${kb(r.peak_sram_bytes)} at op ${r.peak_layer.op} (${r.peak_layer.kind}); limit ${kb(r.sram_limit_bytes)}`,
    `  TFLM-style greedy arena would be ${kb(r.baseline_tflm_arena_bytes)}; in place: ${r.inplace_depthwise_ops} depthwise, ${r.inplace_pointwise_ops} 1x1 conv ops`,
    `  TFLM's whole arena (plan + ${r.baseline_tflm_itemized.tail_bytes.toLocaleString("en-US")} bytes of its runtime structures as an x86-64 build allocates them, modelled) would be ${kb(r.baseline_tflm_total_bytes)}${r.baseline_tflm_itemized.unmodelled_ops.length ? " or more" : ""}`,
    `flash       ${kb(r.flash_bytes)}${r.flash_measured ? " (measured: text+data of the Cortex-M7 build)" : " (const tables only: arm-none-eabi-gcc not found)"}; limit ${kb(r.flash_limit_bytes)}`,
  ];
  if (r.patch) lines.push(`patch       first ${r.patch.depth} layers on a ${r.patch.grid}x${r.patch.grid} grid: +${r.patch.extra_macs.toLocaleString("en-US")} MACs (${((100 * r.patch.extra_macs) / r.macs).toFixed(1)}% of the total)`);
  lines.push(`estimate    ${r.estimate.latency_ms.toFixed(1)} ms, ${r.estimate.energy_mj.toFixed(2)} mJ per inference (${r.estimate.note})`);
  lines.push(`fits        ${r.fits ? "yes" : "no"}`);
  if (ran) lines.push(ran);
  return lines;
}

export function registerDeploy(program: Command, io: CliIo): void {
  program
    .command("deploy")
    .description("plan memory and write a C99 project (int8 kernels, static arena, no malloc) for a microcontroller")
    .argument("<model>", "the int8 .tflite file")
    .option("--device <id>", `target: ${deviceIds().join(", ")}`, "stm32f746")
    .requiredOption("--out <dir>", "folder for the generated C project")
    .option("--patch <mode>", "patch-based inference for the first layers: off, auto, or DEPTHxGRID (e.g. 4x5)", "off")
    .option("--run <target>", "build and run the project: host (cc) or qemu (arm-none-eabi-gcc + qemu-system-arm)")
    .option("--input <file>", "with --run: the input tensor (raw bytes in its dtype, or .npy)")
    .option("--output <file>", "with --run: write the output here (.npy by extension, raw bytes otherwise)")
    .option("--json", "print one JSON object on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml deploy vww_96_int8.tflite --device stm32f746 --out vww-c/
  $ dietml deploy vww_96_int8.tflite --out vww-c/ --patch auto --json
  $ dietml deploy kws_ref_model.tflite --out kws-c/ --run qemu --input in.bin --output out.bin`,
    )
    .action((model: string, opts: DeployOptions) => {
      const device = findDevice(opts.device);
      if (!device) throw new ArgumentError(`unknown device "${opts.device}"`, `choose one of: ${deviceIds().join(", ")}`);
      if (opts.run !== undefined && opts.run !== "host" && opts.run !== "qemu") throw new ArgumentError(`--run ${opts.run} is not a target`, "use --run host or --run qemu");
      if (opts.run !== undefined && opts.input === undefined) throw new ArgumentError("--run needs --input", "pass the input tensor with --input in.bin");
      const patch = parsePatch(opts.patch);
      const file = loadModelFile(model);
      const inputTensor = file.graph.tensors[file.graph.inputs[0]!]!;
      const inputValues = opts.input !== undefined ? readModelInput(opts.input, inputTensor) : null;
      const name = basename(model).replace(/\.tflite$/i, "");
      const { report } = deployModel(file.graph, name, device, opts.out, patch);
      let ran: { target: string; output: string | null; values?: number[]; instructions?: number } | null = null;
      if (opts.run !== undefined && inputValues) {
        const target = opts.run === "qemu" ? "arm" : "host";
        buildProject(opts.out, target);
        const rawIn = join(opts.out, "cli_input.bin");
        writeFileSync(rawIn, new Uint8Array(inputValues.buffer, inputValues.byteOffset, inputValues.byteLength));
        const rawOut = join(opts.out, "cli_output.bin");
        const r = runProject(opts.out, target, [[rawIn, rawOut]]);
        const values = new Int8Array(readFileSync(rawOut));
        const outTensor = file.graph.tensors[file.graph.outputs[0]!]!;
        if (opts.output !== undefined) writeModelOutput(opts.output, outTensor, values);
        ran = { target: opts.run, output: opts.output ?? null, ...(opts.output === undefined ? { values: Array.from(values) } : {}), ...r };
      }
      const ranLine = ran ? `ran on ${ran.target}: ${ran.output ? `output written to ${ran.output}` : `output ${JSON.stringify(ran.values)}`}` : null;
      printResult(io, opts.json, { ...report, run: ran }, humanLines(report, ranLine));
    });
}
