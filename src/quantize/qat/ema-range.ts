/**
 * An activation range tracked during QAT as an exponential moving average of each batch's min and max
 * (the first batch sets it), frozen outside training. These ranges become the exported int8 parameters.
 */
export class EmaRange {
  min = 0;
  max = 0;
  ready = false;

  constructor(readonly decay = 0.99) {}

  update(values: ArrayLike<number>): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!this.ready) {
      [this.min, this.max, this.ready] = [lo, hi, true];
      return;
    }
    this.min = this.decay * this.min + (1 - this.decay) * lo;
    this.max = this.decay * this.max + (1 - this.decay) * hi;
  }
}
