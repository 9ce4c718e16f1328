/**
 * JetStream names for eddy topics. Stream and consumer names cannot hold `.`,
 * `*`, `>`, `/`, `\` or whitespace, so subjects are escaped: letters and digits
 * stay, `.` becomes `_`, anything else becomes `-<hex code point>-`. The escape
 * is injective, so two topics can never share a stream ("a.b" and "a_b" differ).
 *
 * @example
 * streamName('orders.v1'); // 'orders_v1'
 * streamName('my_topic'); // 'my-5f-topic'
 */
export function streamName(subject: string): string {
  let out = '';
  for (const ch of subject) {
    if (/[A-Za-z0-9]/.test(ch)) out += ch;
    else if (ch === '.') out += '_';
    else out += `-${(ch.codePointAt(0) ?? 0).toString(16)}-`;
  }
  return out;
}

/**
 * The subject partition `p` of a topic is stored under.
 *
 * @example
 * partitionSubject('orders', 3); // 'orders.3'
 */
export function partitionSubject(subject: string, partition: number): string {
  return `${subject}.${partition}`;
}

/**
 * The durable consumer of one partition for one durable name. The partition
 * follows the last `_` and the escaped durable name is injective, so two
 * (durable, partition) pairs never share a consumer.
 *
 * @example
 * consumerName('billing', 2); // 'billing_2'
 */
export function consumerName(durable: string, partition: number): string {
  return `${streamName(durable)}_${partition}`;
}
