#!/usr/bin/env node
/**
 * The `dietml` command. Each verb lives in src/cli/commands/<verb>.ts and exports
 * `register<Verb>(program: Command, io: CliIo)`; add one import and one call below to add a verb.
 * User mistakes surface as DietmlErrors and are printed as `error:` + `hint:` with exit code 2, no stack trace
 * (set DIETML_DEBUG=1 to see one).
 */
import { Command, CommanderError } from "commander";
import { DietmlError } from "../errors/index.js";
import { processIo, type CliIo } from "./io.js";
import { registerTrain } from "./commands/train.js";
import { registerInspect } from "./commands/inspect.js";
import { registerRun } from "./commands/run.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerCompare } from "./commands/compare.js";
import { registerCompress } from "./commands/compress.js";
import { registerQuantize } from "./commands/quantize.js";
import { isEntryPoint } from "./entry-point.js";

/** Exit code for a user mistake (bad argument, bad file, missing dataset). */
export const EXIT_USER_ERROR = 2;
/** Exit code for a bug: something we did not anticipate. */
export const EXIT_INTERNAL_ERROR = 1;

export function buildProgram(io: CliIo): Command {
  const program = new Command("dietml")
    .description("TinyML toolkit: train, compress, quantize, plan memory and run neural networks on microcontrollers")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerTrain(program, io);
  registerInspect(program, io);
  registerRun(program, io);
  registerDeploy(program, io);
  registerCompare(program, io);
  registerCompress(program, io);
  registerQuantize(program, io);
  return program;
}

/** Run the CLI on `argv` (without node and script path); resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (usage errors) or the help text.
    const benign = err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version";
    return benign ? 0 : EXIT_USER_ERROR;
  }
  const debug = process.env.DIETML_DEBUG === "1";
  if (err instanceof DietmlError) {
    io.stderr(`error: ${err.message}\nhint: ${err.hint}\n`);
    if (debug && err.stack !== undefined) io.stderr(`${err.stack}\n`);
    return EXIT_USER_ERROR;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`error: internal error: ${message}\n`);
  if (debug && err instanceof Error && err.stack !== undefined) io.stderr(`${err.stack}\n`);
  else io.stderr("hint: this is a bug in dietml; run again with DIETML_DEBUG=1 to see the stack trace and report it\n");
  return EXIT_INTERNAL_ERROR;
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2));
}
