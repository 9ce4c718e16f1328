import { hasLoneSurrogate } from '../text.ts';

/**
 * The key rule, the same for every Log and Store: a key is a non-empty string
 * of at most `MAX_KEY_BYTES` bytes of UTF-8, without NUL characters or lone
 * surrogates. PostgreSQL cannot keep NUL or lone surrogates in text, a btree
 * index refuses entries over about 2.7 KB (a key is part of several), and
 * UTF-8 cannot encode a lone surrogate (JetStream would silently carry it as
 * U+FFFD, another key). Anything else goes: dots, spaces, wildcards, line
 * breaks, emoji.
 */
export const MAX_KEY_BYTES = 1024;

const encoder = new TextEncoder();

/**
 * Why `key` breaks the key rule, or undefined when it is a valid key.
 *
 * @example
 * keyProblem('order-17'); // undefined
 * keyProblem(''); // 'the key is empty'
 */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `the key is ${key === null ? 'null' : typeof key}, not a string`;
  if (key === '') return 'the key is empty';
  if (key.includes('\u0000')) return 'the key contains a NUL character, which PostgreSQL cannot store';
  if (hasLoneSurrogate(key)) return 'the key contains a lone UTF-16 surrogate, which UTF-8 cannot encode';
  // Cheap bound first: a UTF-16 unit is at most 3 bytes of UTF-8.
  if (key.length * 3 > MAX_KEY_BYTES) {
    const bytes = encoder.encode(key).length;
    if (bytes > MAX_KEY_BYTES)
      return `the key is ${bytes} bytes of UTF-8, over the limit of ${MAX_KEY_BYTES}`;
  }
  return undefined;
}
