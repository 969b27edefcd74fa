/**
 * Crash-safe file replacement: write a temp file in the same folder, fsync it, rename it over the target, fsync
 * the folder. A reader (or a resumed run) sees either the old file or the new one, never a torn write.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FileFormatError } from "../errors/index.js";

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(temp, "w", 0o644);
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    removeQuietly(temp);
    throw new FileFormatError(file, `cannot write: ${(err as Error).message}`, "check that the folder exists and is writable, and that the disk is not full");
  }
  syncDirectory(dir);
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing was created (e.g. the folder is not a folder)
  }
}

/** Make the rename durable. Some file systems refuse to fsync a directory; the data itself is already synced. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort: the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
