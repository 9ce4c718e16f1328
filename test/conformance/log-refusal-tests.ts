import { describe, expect, it } from 'vitest';
import {
  InvalidRecordError,
  PayloadTooLargeError,
  type RecordPart,
} from '../../core/errors/record-refused-error.ts';
import type { AppendRecord } from '../../core/log/log.ts';
import { MAX_KEY_BYTES } from '../../core/log/record-key.ts';
import { bytes, type LogSuite } from './log-suite.ts';

/** The records every log refuses (the same way, `check` and `append` alike), and the odd ones it keeps. */
export function refusalTests(s: LogSuite): void {
  const { topic, readAll } = s;
  describe('records it refuses', () => {
    const refused: [string, Partial<AppendRecord>, RecordPart | 'size'][] = [
      ['an empty key', { key: '' }, 'key'],
      ['a key with NUL', { key: 'a\u0000b' }, 'key'],
      ['a key with a lone surrogate', { key: 'a\uDC00' }, 'key'],
      ['a key over 1024 bytes of UTF-8', { key: 'é'.repeat(MAX_KEY_BYTES / 2 + 1) }, 'key'],
      ['an empty msg id', { msgId: '' }, 'msgId'],
      ['a msg id with a line break', { msgId: 'a\nb' }, 'msgId'],
      ['a reserved header', { headers: { 'Eddy-Dead-Letter-Phase': 'decode' } }, 'header'],
      ['a reserved Nats- header', { headers: { 'Nats-Expected-Stream': 'x' } }, 'header'],
      ['a header name with a space', { headers: { 'a b': 'x' } }, 'header'],
      ['a header value with CR/LF', { headers: { note: 'a\r\nb' } }, 'header'],
      ['a header value with a lone surrogate', { headers: { note: 'a\uD800' } }, 'header'],
      ['an origin with seq 0', { origin: { id: 'up/0', seq: 0 } }, 'origin'],
      ['a 5 MB payload', { payload: new Uint8Array(5 << 20) }, 'size'],
    ];
    it.each(refused)(
      'refuses %s with a typed error, in check and append alike, appending nothing',
      async (_name, change, part) => {
        const subject = topic('refused');
        await s.log.ensureTopic({ subject, partitions: 1 });
        const record: AppendRecord = { key: 'k', payload: bytes('x'), msgId: 'm1', ...change };
        const kind = part === 'size' ? PayloadTooLargeError : InvalidRecordError;
        const checked = (() => {
          try {
            s.log.check(subject, { ...record, payloadBytes: record.payload.length });
          } catch (error) {
            return error;
          }
          return undefined;
        })();
        expect(checked).toBeInstanceOf(kind);
        const appended = await s.log.append(subject, record).catch((error: unknown) => error);
        expect(appended).toBeInstanceOf(kind);
        expect((appended as Error).message).toBe((checked as Error).message);
        if (part !== 'size') expect((appended as InvalidRecordError).part).toBe(part);
        await s.log.append(subject, { key: 'k', payload: bytes('after'), msgId: 'm2' });
        expect((await readAll(subject, 0)).map((e) => e.id)).toEqual(['m2']);
      },
    );

    it('keeps keys every store keeps exactly: dots, spaces, wildcards, line breaks, emoji at the limit', async () => {
      const subject = topic('odd-keys');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const keys = [
        'a.b.c',
        ' spaced ',
        'orders.*.>',
        'two\r\nlines',
        '\t',
        '\u{1F600}'.repeat(MAX_KEY_BYTES / 4),
      ];
      for (const [i, key] of keys.entries()) {
        s.log.check(subject, { key, payloadBytes: 1, msgId: `k${i}` });
        await s.log.append(subject, { key, payload: bytes('x'), msgId: `k${i}`, partition: 0 });
      }
      expect((await readAll(subject, 0)).map((e) => e.key)).toEqual(keys);
    });
  });
}
