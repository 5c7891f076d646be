/**
 * Typed errors. Every error thrown on purpose by a MARIA-TS package is a `MariaError`
 * carrying a machine-readable `code` and the offending values, so the CLI can print one
 * line, the server can map it to a 4xx, and callers can branch with `isInstance` even
 * when two copies of this package are loaded (the marker is a global `Symbol.for`).
 */

const MARKER = Symbol.for('maria.error');

/** Base class of every deliberate MARIA-TS error. */
export class MariaError extends Error {
  /** Stable, machine-readable identifier, e.g. `'ShapeMismatch'`. */
  readonly code: string;
  /** The offending values, for logs and JSON error bodies. */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = `${code}Error`;
    this.code = code;
    this.details = details;
    Object.defineProperty(this, MARKER, { value: true, enumerable: false });
  }

  /** True for any MariaError, across package copies and realms. */
  static isInstance(value: unknown): value is MariaError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  /** A JSON-safe view (no stack), used by the CLI's `--json` errors and the HTTP API. */
  toJSON(): { error: string; message: string; details: Record<string, unknown> } {
    return { error: this.code, message: this.message, details: { ...this.details } };
  }
}

/**
 * Defines a typed error class for `code`: its constructor builds the message and details
 * from the offending values, and its `isInstance` only matches errors with that code.
 * Packages use this to declare their own errors without subclassing boilerplate.
 */
export function defineError<Args extends unknown[]>(code: string, build: (...args: Args) => { message: string; details: Record<string, unknown> }) {
  const subclass = class extends MariaError {
    constructor(...args: Args) {
      const { message, details } = build(...args);
      super(code, message, details);
    }
    static override isInstance(value: unknown): value is MariaError {
      return MariaError.isInstance(value) && value.code === code;
    }
  };
  Object.defineProperty(subclass, 'name', { value: `${code}Error` });
  return subclass;
}

const formatShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Two tensors (or a tensor and an expectation) disagree in shape. */
export const ShapeMismatchError = defineError('ShapeMismatch', (what: string, actual: readonly number[], expected: readonly (number | null)[]) => ({
  message: `${what}: got shape ${formatShape(actual)}, expected ${formatShape(expected.map((d) => (d === null ? -1 : d)))}`,
  details: { what, actual: [...actual], expected: [...expected] },
}));

/** A name was looked up in a registry (engines, backbones, judges, ...) and not found. */
export const UnknownNameError = defineError('UnknownName', (kind: string, name: string, known: readonly string[]) => ({
  message: `unknown ${kind} '${name}'; known: ${known.length ? known.join(', ') : '(none registered)'}`,
  details: { kind, name, known: [...known] },
}));

/** An engine was asked for by name but its package is not installed or failed to load. */
export const EngineUnavailableError = defineError('EngineUnavailable', (engine: string, packages: readonly string[], reason: string) => ({
  message: `engine '${engine}' is not available: ${reason}. Install ${packages.join(' or ')} (e.g. npm i ${packages[0] ?? ''}) or use --engine wasm`,
  details: { engine, packages: [...packages], reason },
}));

/** An argument is missing, outside its allowed range or of the wrong kind. */
export const InvalidArgumentError = defineError('InvalidArgument', (name: string, value: unknown, expected: string) => ({
  message:
    value === undefined
      ? `missing ${name} (expected ${expected})`
      : `invalid ${name}: ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))} (expected ${expected})`,
  details: { name, value, expected },
}));

/** A checkpoint, config or tokenizer file is missing, malformed or unsupported. */
export const CheckpointError = defineError('Checkpoint', (path: string, problem: string) => ({
  message: `${path}: ${problem}`,
  details: { path, problem },
}));

/** Two components that must share a tokenizer (AR and MLM backbones, a head) do not. */
export const TokenizerMismatchError = defineError('TokenizerMismatch', (left: string, right: string, difference: string) => ({
  message: `tokenizers differ between ${left} and ${right}: ${difference}`,
  details: { left, right, difference },
}));

/** Input is longer than a model or a server allows. */
export const InputTooLongError = defineError('InputTooLong', (what: string, length: number, maxLength: number) => ({
  message: `${what} has ${length} tokens, more than the maximum of ${maxLength}`,
  details: { what, length, maxLength },
}));

/** Work was cancelled through an AbortSignal. */
export const AbortedError = defineError('Aborted', (what: string) => ({
  message: `${what} was aborted`,
  details: { what },
}));
