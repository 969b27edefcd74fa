import { DietmlError } from "../errors/index.js";

/**
 * A peer runtime (the TFLite interpreter, onnxruntime) is needed for this command but is not installed.
 * Peers are optional: the product works without them, only comparisons and benchmarks need them.
 */
export class PeerMissingError extends DietmlError {
  readonly peer: string;
  constructor(peer: string, installCommand: string, why: string) {
    super(
      "PEER_MISSING",
      `${peer} is not installed (${why})`,
      `install it with: ${installCommand}   (it is an optional peer, only needed to compare or benchmark)`,
    );
    this.peer = peer;
  }
}
