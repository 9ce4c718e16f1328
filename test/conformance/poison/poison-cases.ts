import type { RecordPart } from '../../../core/errors/record-refused-error.ts';
import type { DeadLetterPhase } from '../../../core/runtime/dead-letter.ts';
import type { Json } from '../../../core/store/store.ts';

const encoder = new TextEncoder();
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const text = (value: string): Uint8Array => encoder.encode(value);

/** Random characters from all of Unicode's planes (seeded), as a real key of garbage would be. */
function randomText(length: number, seed: number): string {
  let s = seed;
  let out = '';
  while (out.length < length) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const cp = 0x20 + (s % 0x2_ffe0);
    // Skip the surrogate range: these are well-formed characters, just many of them.
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** What must become of a record in the middle of good ones. */
export type PoisonOutcome =
  | { readonly outcome: 'dead-letter'; readonly phase: DeadLetterPhase; readonly reason: RegExp }
  /** Not poison after all: applied exactly once like the records around it. */
  | { readonly outcome: 'applied'; readonly total: number; readonly kept?: readonly Json[] };

export interface PoisonCase {
  readonly name: string;
  /** Defaults to a key of the case's own. */
  readonly key?: string;
  readonly payload: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expect: PoisonOutcome;
}

/** A record every log refuses at the source, with what it says. */
export interface RefusedCase {
  readonly name: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly error: 'InvalidRecordError' | 'PayloadTooLargeError';
  readonly part?: RecordPart;
  readonly message: RegExp;
}

const deep = (depth: number): string => `{"op":"keep","value":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const store = (reason: RegExp): PoisonOutcome => ({ outcome: 'dead-letter', phase: 'store', reason });
const decode = (reason: RegExp): PoisonOutcome => ({ outcome: 'dead-letter', phase: 'decode', reason });
const output = (reason: RegExp): PoisonOutcome => ({ outcome: 'dead-letter', phase: 'output', reason });
/** The good records around each case add 1 and 2; a case applied adds 10. */
const applied = (kept?: readonly Json[]): PoisonOutcome =>
  kept ? { outcome: 'applied', total: 3, kept } : { outcome: 'applied', total: 13 };
const add10 = json({ op: 'add', n: 10 });

/** Records that reach the stage and must not stall it. */
export const poisonCases: readonly PoisonCase[] = [
  { name: 'malformed JSON', payload: text('{"op":"add","n":'), expect: decode(/is not UTF-8 JSON/) },
  {
    name: 'invalid UTF-8',
    payload: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    expect: decode(/is not UTF-8 JSON/),
  },
  { name: 'a schema failure', payload: json({ op: 'add', n: 'three' }), expect: decode(/input schema/) },
  {
    name: 'a raw NUL byte in the JSON',
    payload: text('{"op":"keep","value":"a\u0000b"}'),
    expect: decode(/JSON/),
  },
  {
    name: 'a string with an escaped NUL the actor keeps',
    payload: text('{"op":"keep","value":"a\\u0000b"}'),
    expect: store(/UnstorableValueError: cannot store event 0 \(Kept\) data\.value: .*NUL/),
  },
  {
    name: 'a lone surrogate the actor keeps',
    payload: text('{"op":"keep","value":"x\\ud800y"}'),
    expect: store(/lone surrogate/),
  },
  {
    name: 'a number that parses to Infinity',
    payload: text('{"op":"keep","value":{"n":1e400}}'),
    expect: store(/data\.value\.n: Infinity is not JSON/),
  },
  {
    name: 'a 100k-deep nested value',
    payload: text(deep(100_000)),
    expect: store(/nested deeper than 1000/),
  },
  { name: 'an event holding a Date', payload: json({ op: 'date' }), expect: store(/Date is not JSON/) },
  {
    name: 'a decide that throws',
    payload: json({ op: 'throw' }),
    expect: { outcome: 'dead-letter', phase: 'decide', reason: /^RangeError: this input is cursed$/ },
  },
  {
    name: 'an evolve that throws',
    payload: json({ op: 'evolve-throws' }),
    expect: { outcome: 'dead-letter', phase: 'evolve', reason: /cannot fold a cursed event/ },
  },
  {
    name: 'a step result with NUL',
    payload: json({ op: 'step', value: 'a\u0000b' }),
    expect: {
      outcome: 'dead-letter',
      phase: 'decide',
      reason: /UnstorableValueError: cannot store result of step "echo"/,
    },
  },
  {
    name: 'a timer name over 512 bytes',
    payload: json({ op: 'timer', name: 't'.repeat(513) }),
    expect: store(/timer .* name: expected a name of 1\.\.512 bytes/),
  },
  {
    name: 'an output of 5 MB',
    payload: json({ op: 'emit', bytes: 5 << 20 }),
    expect: output(/PayloadTooLargeError/),
  },
  {
    name: 'an output with an empty key',
    payload: json({ op: 'emit-key', key: '' }),
    expect: output(/the key is empty/),
  },
  {
    name: 'an output with a 3 KB key',
    payload: json({ op: 'emit-key', key: randomText(1_500, 7) }),
    expect: output(/bytes of UTF-8, over the limit of 1024/),
  },
  {
    name: 'an output header with a line break',
    payload: json({ op: 'emit-header', name: 'note', value: 'two\r\nlines' }),
    expect: output(/cannot be carried verbatim/),
  },
  {
    name: 'an output header eddy reserves',
    payload: json({ op: 'emit-header', name: 'Eddy-Phase', value: 'x' }),
    expect: output(/is reserved/),
  },
  {
    name: 'a 900 KB malformed input',
    payload: text(`{"op":"add","n":1,"junk":"${'j'.repeat(900_000)}`),
    expect: decode(/is not UTF-8 JSON/),
  },
  // Not poison: these must simply work.
  { name: 'an output of 900 KB', payload: json({ op: 'emit', bytes: 900_000 }), expect: applied([]) },
  {
    name: 'a number beyond 2^53',
    payload: text('{"op":"keep","value":9007199254740993}'),
    expect: applied([9007199254740992]),
  },
  {
    name: 'a big kept string',
    payload: json({ op: 'keep', value: 'k'.repeat(200_000) }),
    expect: applied(['k'.repeat(200_000)]),
  },
  { name: 'a key with dots', key: 'a.b.c', payload: add10, expect: applied() },
  { name: 'a key with spaces', key: ' spaced key ', payload: add10, expect: applied() },
  { name: 'a key with wildcards', key: 'orders.*.>', payload: add10, expect: applied() },
  { name: 'a key with CR/LF', key: 'two\r\nlines', payload: add10, expect: applied() },
  { name: 'a key of emoji at the limit', key: '\u{1F600}'.repeat(256), payload: add10, expect: applied() },
];

/** Records no log takes: refused at `append`, clearly, with nothing appended. */
export const refusedCases: readonly RefusedCase[] = [
  {
    name: 'an empty key',
    key: '',
    payload: add10,
    error: 'InvalidRecordError',
    part: 'key',
    message: /the key is empty/,
  },
  {
    name: 'a key with NUL',
    key: 'a\u0000b',
    payload: add10,
    error: 'InvalidRecordError',
    part: 'key',
    message: /NUL/,
  },
  {
    name: 'a key with a lone surrogate',
    key: 'a\uD800b',
    payload: add10,
    error: 'InvalidRecordError',
    part: 'key',
    message: /lone UTF-16 surrogate/,
  },
  {
    name: 'a 3 KB key of random characters',
    key: randomText(1_000, 3),
    payload: add10,
    error: 'InvalidRecordError',
    part: 'key',
    message: /over the limit of 1024/,
  },
  {
    name: 'a 10 KB key of random characters',
    key: randomText(3_500, 10),
    payload: add10,
    error: 'InvalidRecordError',
    part: 'key',
    message: /over the limit of 1024/,
  },
  {
    name: 'a reserved header',
    key: 'k',
    payload: add10,
    headers: { 'Eddy-Dead-Letter-Phase': 'decode' },
    error: 'InvalidRecordError',
    part: 'header',
    message: /is reserved/,
  },
  {
    name: 'a 5 MB payload',
    key: 'k',
    payload: new Uint8Array(5 << 20).fill(0x61),
    error: 'PayloadTooLargeError',
    message: /over the .*(max_payload|maxRecordBytes) of 1048576 bytes/,
  },
];
