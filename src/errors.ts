/** The error codes of SPEC §9. */
export type NumnetErrorCode =
  | 'SHAPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_NAME'
  | 'NOT_COMPILED'
  | 'NON_FINITE_INPUT'
  | 'NON_FINITE_LOSS'
  | 'INVALID_FORMAT';

/**
 * Every error numnet throws. `code` says what kind of mistake it is; the message names the
 * layer, the argument and the shapes involved.
 */
export class NumnetError extends Error {
  readonly code: NumnetErrorCode;
  constructor(code: NumnetErrorCode, message: string) {
    super(message);
    this.name = 'NumnetError';
    this.code = code;
  }
}

/** Formats a shape the way messages show it: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws INVALID_ARGUMENT unless `cond` holds. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new NumnetError('INVALID_ARGUMENT', message);
}

/** A finite number, or INVALID_ARGUMENT naming `what`. */
export function checkNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A positive whole number, or INVALID_ARGUMENT naming `what`. */
export function checkPositiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** A short description of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** Resolves `name` in a registry of camelCase names (Keras snake_case and case are forgiven). */
export function lookupName<T>(registry: Record<string, T>, name: unknown, what: string): T {
  if (typeof name !== 'string') {
    throw new NumnetError('INVALID_ARGUMENT', `${what} must be a name (string), got ${describe(name)}`);
  }
  const key = canonicalName(name);
  for (const k of Object.keys(registry)) {
    if (canonicalName(k) === key) return registry[k]!;
  }
  throw new NumnetError(
    'UNKNOWN_NAME',
    `Unknown ${what} ${JSON.stringify(name)}. Valid names: ${Object.keys(registry).join(', ')}`,
  );
}

/** 'leaky_relu', 'LeakyReLU' and 'leakyRelu' all become 'leakyrelu'. */
export function canonicalName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}
