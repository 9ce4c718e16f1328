import { UnstorableValueError } from '../errors/unstorable-value-error.ts';
import { keyProblem } from '../log/record-key.ts';
import { hasLoneSurrogate } from '../text.ts';
import type { Json } from './store.ts';

/**
 * The checks every Store applies before writing, so that all of them accept
 * and refuse exactly the same values and hand back exactly what was written.
 * PostgreSQL cannot keep NUL characters or lone surrogates in text or jsonb,
 * bigint columns need integers, and JSON has no NaN, Infinity or -0.
 */

const INT32_MAX = 2_147_483_647;
/** Deeper than this is almost surely a cycle; PostgreSQL's jsonb refuses far less deep nesting anyway. */
const MAX_DEPTH = 1_000;

function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
  if (value.includes('\u0000') || hasLoneSurrogate(value))
    return 'a string with a NUL character or a lone surrogate, which PostgreSQL cannot keep';
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object')
    return `an instance of ${value.constructor?.name ?? 'an object without prototype'}`;
  return typeof value;
}

/** A string PostgreSQL keeps exactly. */
export function checkText(value: unknown, path: string): string {
  const problem = textProblem(value);
  if (problem !== undefined) throw new UnstorableValueError(path, problem);
  return value as string;
}

/** Timer names key rows with the actor and key: bounded so the index entry fits. */
export const MAX_NAME_BYTES = 512;

/** A name (of a timer): storable text of 1 to `MAX_NAME_BYTES` bytes of UTF-8. */
export function checkName(value: unknown, path: string): string {
  const text = checkText(value, path);
  const bytes = Buffer.byteLength(text);
  if (bytes === 0 || bytes > MAX_NAME_BYTES) {
    throw new UnstorableValueError(
      path,
      `expected a name of 1..${MAX_NAME_BYTES} bytes of UTF-8, got ${bytes}`,
    );
  }
  return text;
}

/** A key by the rule every Log and Store keeps (see `keyProblem`). */
export function checkKey(value: unknown, path: string): string {
  const problem = keyProblem(value);
  if (problem !== undefined) throw new UnstorableValueError(path, problem);
  return value as string;
}

/** A safe integer at or above `min` (and at or below `max`, default Number.MAX_SAFE_INTEGER). */
export function checkInteger(
  value: unknown,
  path: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new UnstorableValueError(path, `expected a safe integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new UnstorableValueError(path, `expected an integer in ${min}..${max}, got ${value}`);
  }
  // -0 would come back from PostgreSQL as 0.
  return value === 0 ? 0 : value;
}

/** An integer that fits PostgreSQL's `integer` column (partitions, schema versions). */
export function checkInt32(value: unknown, path: string, min: number): number {
  return checkInteger(value, path, min, INT32_MAX);
}

/** Any safe integer, negative included (event times, timer deadlines). */
export function checkTime(value: unknown, path: string): number {
  return checkInteger(value, path, Number.MIN_SAFE_INTEGER);
}

/** A string-to-string map (message headers). */
export function checkHeaders(value: unknown, path: string): Readonly<Record<string, string>> {
  if (!isPlainObject(value))
    throw new UnstorableValueError(path, `expected an object, got ${describe(value)}`);
  for (const [k, v] of Object.entries(value)) {
    checkText(k, `${path} key ${JSON.stringify(k)}`);
    checkText(v, `${path}[${JSON.stringify(k)}]`);
  }
  return value as Readonly<Record<string, string>>;
}

/**
 * Checks that `value` is JSON that PostgreSQL's jsonb keeps exactly: finite
 * numbers, well-formed strings without NUL, arrays and plain objects. Object
 * properties that are `undefined` are allowed and dropped, as JSON.stringify does.
 */
export function checkJson(value: unknown, path: string): Json {
  const problem = jsonProblem(value, 0);
  if (problem !== undefined) {
    throw new UnstorableValueError(path + problem.at.reverse().join(''), problem.message);
  }
  return value as Json;
}

interface JsonProblem {
  /** Path segments, innermost first (built while unwinding, so the happy path builds no strings). */
  readonly at: string[];
  readonly message: string;
}

function jsonProblem(value: unknown, depth: number): JsonProblem | undefined {
  switch (typeof value) {
    case 'string': {
      const message = textProblem(value);
      return message === undefined ? undefined : { at: [], message };
    }
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : { at: [], message: `${value} is not JSON (jsonb keeps finite numbers only)` };
    case 'boolean':
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_DEPTH) return { at: [], message: `nested deeper than ${MAX_DEPTH} levels (a cycle?)` };
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const problem =
            item === undefined
              ? { at: [], message: 'undefined (or a hole) in an array is not JSON' }
              : jsonProblem(item, depth + 1);
          if (problem) {
            problem.at.push(`[${i}]`);
            return problem;
          }
        }
        return undefined;
      }
      if (!isPlainObject(value))
        return { at: [], message: `${describe(value)} is not JSON; convert it to plain data` };
      for (const k of Object.keys(value)) {
        const keyMessage = textProblem(k);
        if (keyMessage !== undefined)
          return { at: [`[${JSON.stringify(k)}]`], message: `key: ${keyMessage}` };
        const item = value[k];
        if (item === undefined) continue;
        const problem = jsonProblem(item, depth + 1);
        if (problem) {
          problem.at.push(/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
          return problem;
        }
      }
      return undefined;
    }
    default:
      return { at: [], message: `${describe(value)} is not JSON` };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A deeply frozen copy of checked JSON as a JSON round trip would give it:
 * `undefined` properties dropped, -0 as 0. Callers cannot reach stored state.
 */
export function frozenJson(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value === 0 ? 0 : value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenJson));
  const entries: [string, Json][] = [];
  for (const k of Object.keys(value)) {
    const item = (value as Record<string, Json | undefined>)[k];
    if (item !== undefined) entries.push([k, frozenJson(item)]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.freeze(Object.fromEntries(entries));
}

/** A lease length in milliseconds: a positive integer (0 too where it means "end now"). */
export function checkLeaseMs(leaseMs: number, allowZero = false): void {
  if (!Number.isInteger(leaseMs) || leaseMs < (allowZero ? 0 : 1)) {
    throw new RangeError(`leaseMs must be an integer >= ${allowZero ? 0 : 1}, got ${leaseMs}`);
  }
}
