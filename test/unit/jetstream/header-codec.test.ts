import { MsgHdrsImpl } from '@nats-io/nats-core/internal';
import { headers as natsHeaders } from '@nats-io/transport-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedHeaders } from '../../../connectors/jetstream/encoded-headers.ts';
import { parseHeaderBlock } from '../../../connectors/jetstream/raw-headers.ts';

const decoder = new TextDecoder();
const name = fc.stringMatching(/^[!-9;-~]{1,12}$/);
// Values as publishHeaders lets them through: no line breaks, no surrounding whitespace.
const value = fc.stringMatching(/^([^\s]([^\r\n]{0,10}[^\s])?)?$/);
const entries = fc.array(fc.tuple(name, value), { maxLength: 6 });

function natsEncoded(list: readonly (readonly [string, string])[]): Uint8Array {
  const h = natsHeaders();
  for (const [k, v] of list) h.append(k, v);
  return (h as unknown as { encode(): Uint8Array }).encode();
}

describe('EncodedHeaders', () => {
  it('encodes to the bytes nats.js headers encode to', () => {
    fc.assert(
      fc.property(entries, (list) => {
        // nats.js groups repeated names at the first one's place; publishHeaders never repeats a name.
        const unique = [...new Map(list.map(([k, v]) => [k, v]))];
        expect(new EncodedHeaders(unique).encode()).toEqual(natsEncoded(unique));
      }),
    );
  });

  it('reads like nats.js headers and refuses changes', () => {
    const h = new EncodedHeaders([
      ['Eddy-Key', 'k1'],
      ['trace', 'abc'],
    ]);
    expect(h.get('Eddy-Key')).toBe('k1');
    expect(h.keys()).toEqual(['Eddy-Key', 'trace']);
    expect(h.has('missing')).toBe(false);
    expect(() => h.set()).toThrow(TypeError);
  });
});

describe('parseHeaderBlock', () => {
  it('finds the first value of each name, as nats.js decoding does', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const bytes = natsEncoded(list);
        const expected = new Map<string, string>();
        for (const [k, all] of MsgHdrsImpl.decode(bytes)) expected.set(k, all[0] ?? '');
        expect(parseHeaderBlock(decoder.decode(bytes))).toEqual(expected);
      }),
    );
  });

  it('reads a block with a status line and no headers', () => {
    expect(parseHeaderBlock('NATS/1.0 503\r\n\r\n')).toEqual(new Map());
  });
});
