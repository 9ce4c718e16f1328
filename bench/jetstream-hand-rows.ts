import type { JsMsg } from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import { partitionOf } from 'eddy';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** What the hand-written loops write and publish for one input: the counting actor's I/O, by hand. */
export interface HandRow {
  readonly key: string;
  readonly seq: number;
  /** Journal version: the key's count after this input. */
  readonly version: number;
  readonly eventTime: number;
  readonly msgId: string;
  readonly payload: string;
  /** The key's state when a snapshot is due (every 100 events), JSON. */
  readonly snapshot: string | undefined;
  readonly position: number;
}

/** Per-partition state of a hand-written loop: each key's count and the outbox position. */
export class HandState {
  readonly #counts = new Map<string, number>();
  readonly #stage: string;
  readonly #partition: number;
  #position = 0;

  constructor(stage: string, partition: number) {
    this.#stage = stage;
    this.#partition = partition;
  }

  /** Applies one input: decodes it, counts its key, and returns the rows to write. */
  apply(msg: JsMsg): HandRow {
    const key = msg.headers?.get('Eddy-Key') ?? '';
    const eventTime = Number(msg.headers?.get('Eddy-Event-Time') ?? 0);
    const input = JSON.parse(decoder.decode(msg.data)) as { t: number };
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    return {
      key,
      seq: msg.seq,
      version: count,
      eventTime,
      msgId: `${this.#stage}:${this.#partition}:${msg.seq}:0`,
      payload: `{"count":${count},"t":${input.t}}`,
      snapshot: count % 100 === 0 ? `{"count":${count}}` : undefined,
      position: ++this.#position,
    };
  }
}

/** The output of a row as eddy's sink would publish it: subject, bytes and headers (msg id included). */
export function outputMessage(
  row: HandRow,
  output: string,
  partitions: number,
): { subject: string; payload: Uint8Array; headers: MsgHdrs } {
  const h = natsHeaders();
  h.set('Eddy-Key', row.key);
  h.set('Eddy-Event-Time', String(row.eventTime));
  h.set('Nats-Msg-Id', row.msgId);
  return {
    subject: `${output}.${partitionOf(row.key, partitions)}`,
    payload: encoder.encode(row.payload),
    headers: h,
  };
}
