/** What the sparse routing looks at in a constant weight matrix: how many weights are kept, and whether they are 2:4. */

/** Fraction of non-zero entries. */
export function weightDensity(values: ArrayLike<number>): number {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) kept++;
  return values.length === 0 ? 1 : kept / values.length;
}

/** Every group of 4 consecutive weights along a row of [rows, cols] holds at most 2 non-zeros (cols a multiple of 4). */
export function isTwoFour(values: ArrayLike<number>, cols: number): boolean {
  if (cols % 4 !== 0 || values.length === 0) return false;
  for (let g = 0; g < values.length; g += 4) {
    let kept = 0;
    for (let p = 0; p < 4; p++) if (values[g + p] !== 0) kept++;
    if (kept > 2) return false;
  }
  return true;
}
