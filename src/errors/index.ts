/**
 * Typed errors for mistakes a user can make. Every error says what was wrong and what to do about it;
 * the CLI prints `message` and `hint` and exits non-zero instead of showing a stack trace.
 */
export class DietmlError extends Error {
  /** Stable machine-readable code, e.g. "SHAPE_MISMATCH". */
  readonly code: string;
  /** What the user can do about it. */
  readonly hint: string;

  constructor(code: string, message: string, hint: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }
}

/** Two tensors (or a tensor and a layer) disagree on shape. */
export class ShapeError extends DietmlError {
  constructor(message: string, hint = "check the shapes of the tensors passed to this layer") {
    super("SHAPE_MISMATCH", message, hint);
  }
}

/** A file the user gave us is missing, truncated, corrupt or of an unsupported kind. */
export class FileFormatError extends DietmlError {
  readonly file: string;
  constructor(file: string, message: string, hint: string) {
    super("BAD_FILE", `${file}: ${message}`, hint);
    this.file = file;
  }
}

/** A dataset is not installed or not found where expected. */
export class DatasetMissingError extends DietmlError {
  constructor(message: string, hint: string) {
    super("DATASET_MISSING", message, hint);
  }
}

/** A model uses an operator or option we do not support. */
export class UnsupportedError extends DietmlError {
  constructor(message: string, hint: string) {
    super("UNSUPPORTED", message, hint);
  }
}

/** An argument is outside its valid range (a rate, a bit width, a budget). */
export class ArgumentError extends DietmlError {
  constructor(message: string, hint: string) {
    super("BAD_ARGUMENT", message, hint);
  }
}
