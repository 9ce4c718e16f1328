/**
 * Every record in flight. `seq` is the source log's sequence within its
 * partition (strictly increasing, not necessarily contiguous); `id` is the
 * dedup id (JetStream `Nats-Msg-Id`).
 *
 * @example
 * const e: Envelope<{ amount: number }> = {
 *   subject: 'orders', key: 'alice', seq: 7, id: 'orders-7', eventTime: Date.now(),
 *   payload: { amount: 3 }, headers: {}, partition: 0,
 * };
 */
export interface Envelope<P = unknown> {
  readonly subject: string;
  readonly key: string;
  readonly seq: number;
  readonly id: string;
  readonly eventTime: number;
  readonly payload: P;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
}
