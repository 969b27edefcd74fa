/** Size/accuracy Pareto bookkeeping shared by the mixed-precision searches. */

export interface SizeAccuracy {
  bytes: number;
  accuracy: number;
}

/** p dominates q: no larger, no less accurate, and strictly better in one. */
export function dominates(p: SizeAccuracy, q: SizeAccuracy): boolean {
  return p.bytes <= q.bytes && p.accuracy >= q.accuracy && (p.bytes < q.bytes || p.accuracy > q.accuracy);
}

/** The non-dominated points, smallest first; among equal (bytes, accuracy) pairs the first one seen is kept. */
export function paretoFront<T extends SizeAccuracy>(points: readonly T[]): T[] {
  const front = points.filter((p) => !points.some((q) => dominates(q, p)));
  const unique = front.filter((p, i) => front.findIndex((q) => q.bytes === p.bytes && q.accuracy === p.accuracy) === i);
  return unique.sort((a, b) => a.bytes - b.bytes);
}

/** The most accurate point within the budget (the smaller on ties), or undefined when none fits. */
export function bestUnder<T extends SizeAccuracy>(points: readonly T[], budgetBytes: number): T | undefined {
  let best: T | undefined;
  for (const p of points) {
    if (p.bytes > budgetBytes) continue;
    if (!best || p.accuracy > best.accuracy || (p.accuracy === best.accuracy && p.bytes < best.bytes)) best = p;
  }
  return best;
}
