import { createRequire } from "node:module";
import { PeerMissingError } from "./peer-missing-error.js";

/**
 * Peers are resolved lazily at run time, never imported statically, so that a missing optional package
 * costs nothing until a command actually needs it, and then fails with a typed, actionable error.
 */
const requireFromHere = createRequire(import.meta.url);

/** Absolute path of a file inside an optional package, or a PeerMissingError naming how to install it. */
export function resolveOptional(specifier: string, peer: string, installCommand: string): string {
  try {
    return requireFromHere.resolve(specifier);
  } catch (cause) {
    throw new PeerMissingError(peer, installCommand, `cannot resolve ${specifier}: ${(cause as Error).message.split("\n")[0]}`);
  }
}

/** CommonJS `require` of an optional package's file (the peers ship CommonJS / Emscripten factories). */
export function requireOptional<T>(specifier: string, peer: string, installCommand: string): T {
  const path = resolveOptional(specifier, peer, installCommand);
  return requireFromHere(path) as T;
}
