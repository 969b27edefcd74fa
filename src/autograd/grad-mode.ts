/**
 * Whether ops record a backward node. Evaluation wraps its forward pass in `noGrad` so nothing is saved
 * for backward (and `savedBytes` stays 0), even when parameters require gradients.
 */
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with recording switched off; restores the previous mode even if fn throws. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
