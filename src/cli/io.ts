/**
 * Where a command writes. Results go to `stdout` (one JSON object with --json); progress bars and logs go to
 * `stderr`. Tests pass their own sinks to capture both without spawning a process.
 */
export interface CliIo {
  /** Results: with --json exactly one JSON object per command run. */
  stdout: (text: string) => void;
  /** Logs and human-readable messages. */
  stderr: (text: string) => void;
  /** The stream progress bars draw on (a TTY gets a live bar; anything else gets plain log lines). */
  progressStream: NodeJS.WritableStream;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progressStream: process.stderr,
  };
}

/** Print a command's result: one JSON object when `json`, otherwise the human-readable lines. */
export function printResult(io: CliIo, json: boolean, result: object, humanLines: string[]): void {
  if (json) io.stdout(`${JSON.stringify(result)}\n`);
  else io.stdout(`${humanLines.join("\n")}\n`);
}
