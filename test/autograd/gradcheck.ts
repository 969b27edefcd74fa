/**
 * Finite-difference gradient check. The function's output is turned into a scalar in float64 on the JS side
 * (L = sum_i out_i * r_i with fixed random r), the analytic gradient comes from backward(out, r), and the
 * numeric one from central differences using the perturbation actually representable in f32.
 */
import { expect } from "vitest";
import { backward, noGrad, Variable } from "../../src/autograd/index.js";
import { Rng } from "../../src/tensor/index.js";

export interface Input {
  values: Float32Array;
  shape: number[];
  /** Treat as a constant (no gradient checked, requiresGrad false). */
  constant?: boolean;
}

export interface GradcheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Elements checked per input (a seeded sample when the input is larger). */
  maxChecks?: number;
  seed?: number;
}

export function randn(rng: Rng, shape: number[], scale = 1): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = rng.normal() * scale;
  return { values, shape };
}

/** Random values kept at least `margin` away from every kink in `kinks`. */
export function randnAvoiding(rng: Rng, shape: number[], scale: number, kinks: number[], margin: number): Input {
  const input = randn(rng, shape, scale);
  for (let i = 0; i < input.values.length; i++) {
    for (const k of kinks) {
      const d = input.values[i]! - k;
      if (Math.abs(d) < margin) input.values[i] = k + (d < 0 ? -margin : margin) * 2;
    }
  }
  return input;
}

/** Returns the worst relative error seen; fails the test when any element is outside tolerance. */
export function gradcheck(f: (vars: Variable[]) => Variable, inputs: Input[], opts: GradcheckOptions = {}): number {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 2e-2;
  const atol = opts.atol ?? 2e-3;
  const maxChecks = opts.maxChecks ?? 24;
  const rng = new Rng(opts.seed ?? 7);
  const vars = inputs.map((inp) => Variable.from(inp.values, inp.shape, inp.constant !== true));
  const out = f(vars);
  const r = new Float32Array(out.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.normal();
  backward(out, r);
  const loss = (): number => {
    const y = noGrad(() => f(vars)).values;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
    return s;
  };
  let worst = 0;
  vars.forEach((v, vi) => {
    if (inputs[vi]!.constant === true) return;
    const analytic = v.grad?.data ?? new Float32Array(v.size);
    const indices = sampleIndices(rng, v.size, maxChecks);
    for (const i of indices) {
      const orig = v.values[i]!;
      v.values[i] = orig + eps;
      const up = v.values[i]!;
      const lp = loss();
      v.values[i] = orig - eps;
      const down = v.values[i]!;
      const lm = loss();
      v.values[i] = orig;
      const numeric = (lp - lm) / (up - down);
      const a = analytic[i]!;
      const err = Math.abs(a - numeric);
      const rel = err / Math.max(Math.abs(a), Math.abs(numeric), 1e-6);
      if (err > atol + rtol * Math.max(Math.abs(a), Math.abs(numeric))) {
        expect.fail(`input ${vi} element ${i}: analytic ${a}, numeric ${numeric} (abs err ${err})`);
      }
      if (err > atol) worst = Math.max(worst, rel);
    }
  });
  return worst;
}

function sampleIndices(rng: Rng, n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const all = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(all);
  return all.slice(0, k);
}
