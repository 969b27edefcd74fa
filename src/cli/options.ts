/** Parsers for numeric command-line options that raise ArgumentError (exit code 2) instead of yielding NaN. */
import { ArgumentError } from "../errors/index.js";

export function parsePositiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new ArgumentError(`${name} must be a positive integer, got "${value}"`, `pass e.g. ${name} 10`);
    }
    return n;
  };
}

export function parseNonNegativeInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new ArgumentError(`${name} must be an integer in [0, 2^32), got "${value}"`, `pass e.g. ${name} 1`);
    }
    return n;
  };
}

export function parsePositiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
      throw new ArgumentError(`${name} must be a positive number, got "${value}"`, `pass e.g. ${name} 0.01`);
    }
    return n;
  };
}

export function parseNonNegativeNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) {
      throw new ArgumentError(`${name} must be a number >= 0, got "${value}"`, `pass e.g. ${name} 0`);
    }
    return n;
  };
}

/** Accept one of `choices`, naming them all when the value is something else. */
export function parseChoice<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new ArgumentError(`${name} must be one of ${choices.join(", ")}; got "${value}"`, `pass e.g. ${name} ${choices[0]}`);
  };
}
