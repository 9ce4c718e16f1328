import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';

const encoder = new TextEncoder();
const READ_ONLY = 'eddy publish headers are read-only once built; build new ones with publishHeaders';

/**
 * Publish headers built once and encoded once, straight to the wire form
 * (`NATS/1.0\r\nName: value\r\n...\r\n\r\n`). nats.js's own headers object
 * re-validates names on every `set` and re-encodes on every publish, a few
 * microseconds per record that showed up in the bench:jetstream profile.
 * nats.js calls `encode()` to publish; the read methods work on a nats.js copy
 * made on first use. Names and values must be valid already (see
 * `publishHeaders`).
 */
export class EncodedHeaders implements MsgHdrs {
  readonly #entries: readonly (readonly [string, string])[];
  #bytes: Uint8Array | undefined;
  #copy: MsgHdrs | undefined;

  constructor(entries: readonly (readonly [string, string])[]) {
    this.#entries = entries;
  }

  /** The wire form nats.js sends; the same bytes its own headers object would produce. */
  encode(): Uint8Array {
    if (this.#bytes === undefined) {
      // nats.js sends no header block at all for empty headers.
      let text = 'NATS/1.0';
      for (const [name, value] of this.#entries) text += `\r\n${name}: ${value}`;
      this.#bytes = this.#entries.length === 0 ? new Uint8Array(0) : encoder.encode(`${text}\r\n\r\n`);
    }
    return this.#bytes;
  }

  get hasError(): boolean {
    return false;
  }
  get status(): string {
    return '';
  }
  get code(): number {
    return 0;
  }
  get description(): string {
    return '';
  }
  get(k: string, match?: Parameters<MsgHdrs['get']>[1]): string {
    return this.#full().get(k, match);
  }
  has(k: string, match?: Parameters<MsgHdrs['has']>[1]): boolean {
    return this.#full().has(k, match);
  }
  keys(): string[] {
    return this.#full().keys();
  }
  values(k: string, match?: Parameters<MsgHdrs['values']>[1]): string[] {
    return this.#full().values(k, match);
  }
  last(k: string, match?: Parameters<MsgHdrs['last']>[1]): string {
    return this.#full().last(k, match);
  }
  set(): void {
    throw new TypeError(READ_ONLY);
  }
  append(): void {
    throw new TypeError(READ_ONLY);
  }
  delete(): void {
    throw new TypeError(READ_ONLY);
  }
  [Symbol.iterator](): Iterator<[string, string[]]> {
    return this.#full()[Symbol.iterator]();
  }

  #full(): MsgHdrs {
    if (this.#copy === undefined) {
      const h = natsHeaders();
      for (const [name, value] of this.#entries) h.append(name, value);
      this.#copy = h;
    }
    return this.#copy;
  }
}
