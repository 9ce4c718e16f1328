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
  /** Set on outputs of eddy stages: which partition of which stage sent it, and its sequence there. */
  readonly origin?: Origin;
  /**
   * Set on eddy's watermark control records (a partition telling the
   * partitions downstream how far its event time got): eddy pipelines take
   * them in and never hand them to a step; other readers should skip them.
   */
  readonly control?: 'watermark';
  /**
   * Set when the log could not read the record's key as its producer meant it
   * (a producer outside eddy sent no key header, or one that is not UTF-8):
   * `key` is then a stand-in, and a stage dead-letters the record.
   */
  readonly keyProblem?: string;
}

/**
 * Where an eddy stage's output came from: `id` names the sending stage and
 * partition, `seq` numbers its outputs to one destination partition (1, 2, 3,
 * ...). A downstream stage drops a record whose origin it applied already, so a
 * republish after the log's duplicate window cannot apply twice.
 */
export interface Origin {
  readonly id: string;
  readonly seq: number;
}
