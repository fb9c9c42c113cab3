/** The error codes of specification §9. */
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
  /** What kind of mistake: `SHAPE_MISMATCH`, `INVALID_ARGUMENT`, `UNKNOWN_NAME`, … */
  readonly code: NumnetErrorCode;
  constructor(code: NumnetErrorCode, message: string) {
    super(typeof message === 'string' ? message : safeString(message));
    this.name = 'NumnetError';
    this.code = code;
  }
}

/** Formats a shape the way messages show it: `[2, 3]` (anything else safely described). */
export function fmtShape(shape: readonly number[]): string {
  if (!Array.isArray(shape)) return describe(shape);
  let s = '';
  const shown = shape.length > 40 ? 32 : shape.length; // a long array is cut short in messages
  for (let i = 0; i < shown; i++) s += (i ? ', ' : '') + safeString(shape[i]);
  if (shown < shape.length) s += `, … (${shape.length} in all)`;
  return `[${s}]`;
}

/** String(v) that never throws (Symbols, BigInts, objects whose toString throws). */
export function safeString(v: unknown): string {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    return String(v);
  } catch {
    return describe(v);
  }
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

/** A short description of any value for error messages (never throws). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  if (typeof value === 'symbol') return `a Symbol`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  try {
    return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  } catch {
    return 'an object';
  }
}

/**
 * Runs f; a RangeError from the engine (a string or array longer than it can make, memory it cannot
 * allocate) becomes INVALID_ARGUMENT saying what was too large.
 */
export function withinLimits<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new NumnetError('INVALID_ARGUMENT', `${what}: too large for this JavaScript engine (${e.message})`);
    throw e;
  }
}

/** True for `{ … }` and `Object.create(null)` objects: not arrays, Maps, class instances or functions. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/** The value of `key` in logs when it is the object's own (never an inherited member such as `constructor`). */
export function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A plain options object (undefined gives {}); INVALID_ARGUMENT for anything else or an unknown key. */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], what: string): T {
  if (options === undefined) return {} as T;
  if (!isPlainObject(options)) {
    throw new NumnetError('INVALID_ARGUMENT', `${what} options must be a plain object, got ${describe(options)}`);
  }
  const own = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `unknown ${what} option ${JSON.stringify(key)}; the options are ${known.join(', ') || 'none'}`,
      );
    }
    own[key] = (options as Record<string, unknown>)[key];
  }
  // A copy of the own keys only: a value planted on Object.prototype is never read as an option.
  return own as T;
}

/** true/false (undefined or null give `dflt`), or INVALID_ARGUMENT naming `what`. */
export function checkBoolean(value: unknown, what: string, dflt: boolean): boolean {
  if (value === undefined || value === null) return dflt;
  if (typeof value !== 'boolean') throw new NumnetError('INVALID_ARGUMENT', `${what} must be true or false, got ${describe(value)}`);
  return value;
}

/** An integer in [min, max] (safe integers only), or INVALID_ARGUMENT naming `what`. */
export function checkInteger(value: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new NumnetError(
      'INVALID_ARGUMENT',
      `${what} must be an integer${max === Number.MAX_SAFE_INTEGER ? ` ≥ ${min}` : ` in [${min}, ${max}]`}, got ${describe(value)}`,
    );
  }
  return value;
}

/** True for typed arrays holding numbers (not BigInt64Array/BigUint64Array, not DataView). */
export function isNumericTypedArray(v: unknown): v is Float64Array | Float32Array | Int32Array | Uint8Array {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
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
