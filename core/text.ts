/**
 * Strings from outside (keys, headers, error messages) made safe to show and
 * to store: PostgreSQL keeps no NUL characters and UTF-8 no lone surrogates.
 */

/** A surrogate without its other half. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Whether `value` holds a surrogate without its other half, which UTF-8 cannot
 * encode. Most strings hold no surrogate at all: a plain character class
 * settles those several times faster than the lookaround.
 */
export function hasLoneSurrogate(value: string): boolean {
  return ANY_SURROGATE.test(value) && LONE_SURROGATE.test(value);
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this looks for.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A short, printable rendering of a string that may be anything: JSON-escaped,
 * so NUL and lone surrogates show as `\u0000`, cut after `max` characters.
 *
 * @example
 * shown('a\u0000b'); // '"a\\u0000b"'
 */
export function shown(value: string, max = 80): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(cut(value, max))}... (${value.length} characters)`;
}

/**
 * `value` as text every store keeps: NUL and lone surrogates replaced by their
 * `\uXXXX` escapes, and cut to `max` characters (marked with `...`).
 *
 * @example
 * storableText('bad \u0000 byte'); // 'bad \\u0000 byte'
 */
export function storableText(value: string, max = Number.POSITIVE_INFINITY): string {
  const clean = value.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length <= max ? clean : `${cut(clean, max)}...`;
}

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
function cut(value: string, max: number): string {
  const end = max > 0 && /[\uD800-\uDBFF]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return value.slice(0, end);
}
