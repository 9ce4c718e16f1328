import type {
  AppendAck,
  AppendRecord,
  Consumer,
  ConsumerOptions,
  Delivery,
  Envelope,
  Log,
  RecordOutline,
  TopicConfig,
} from 'eddy';

/**
 * A Log that tells `onAppended` about every append the moment its PubAck
 * arrives (the end of an output's journey, before the outbox row is deleted),
 * and `onDelivered` about every delivery a consumer hands out.
 */
export class ObservedLog implements Log {
  readonly #inner: Log;
  readonly #onAppended: (subject: string, record: AppendRecord, ack: AppendAck) => void;

  readonly #onDelivered: ((delivery: Delivery) => void) | undefined;

  constructor(
    inner: Log,
    onAppended: (subject: string, record: AppendRecord, ack: AppendAck) => void,
    onDelivered?: (delivery: Delivery) => void,
  ) {
    this.#inner = inner;
    this.#onAppended = onAppended;
    this.#onDelivered = onDelivered;
  }

  ensureTopic(config: TopicConfig): Promise<void> {
    return this.#inner.ensureTopic(config);
  }

  partitions(subject: string): Promise<number> {
    return this.#inner.partitions(subject);
  }

  check(subject: string, record: RecordOutline): void {
    this.#inner.check(subject, record);
  }

  async append(subject: string, record: AppendRecord): Promise<AppendAck> {
    const ack = await this.#inner.append(subject, record);
    this.#onAppended(subject, record, ack);
    return ack;
  }

  pending(subject: string, partition: number, afterSeq: number): Promise<number> {
    return this.#inner.pending(subject, partition, afterSeq);
  }

  read(subject: string, partition: number, fromSeq: number): AsyncIterable<Envelope<Uint8Array>> {
    return this.#inner.read(subject, partition, fromSeq);
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    const consumer = this.#inner.consume(subject, partition, options);
    const seen = this.#onDelivered;
    if (!seen) return consumer;
    return {
      close: () => consumer.close(),
      async *[Symbol.asyncIterator]() {
        for await (const delivery of consumer) {
          seen(delivery);
          yield delivery;
        }
      },
    };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
