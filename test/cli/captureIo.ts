/** A CliIo that records what a command printed, for in-process CLI tests. */
import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

export interface CapturedIo extends CliIo {
  out: string[];
  err: string[];
}

export function captureIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const progressStream = new PassThrough(); // not a TTY: progress arrives as plain lines on stderr
  progressStream.resume();
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), progressStream };
}
