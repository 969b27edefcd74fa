/** C array literals for constant tables (flash): wrapped lines so compilers and diffs stay happy. */

export function cArray(type: string, name: string, values: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i += 24) {
    parts.push("  " + Array.prototype.slice.call(values, i, i + 24).map((v: number) => (v === -2147483648 ? "INT32_MIN" : String(v))).join(", "));
  }
  // An empty initializer is not C99: keep one element.
  const body = values.length === 0 ? "  0" : parts.join(",\n");
  return `static const ${type} ${name}[${Math.max(1, values.length)}] = {\n${body}\n};\n`;
}

export function bytesOfType(type: string): number {
  return type === "int8_t" ? 1 : type === "int16_t" ? 2 : 4;
}
