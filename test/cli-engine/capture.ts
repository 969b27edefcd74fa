import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/main.js";

/** Runs the dietml CLI in-process with captured stdout/stderr. */
export async function dietml(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    progressStream: new PassThrough(),
  });
  return { code, stdout, stderr };
}

export const MODELS_DIR = "/work/shared/models/mlperf-tiny";
export const GOLDEN_DIR = "/work/shared/golden";
