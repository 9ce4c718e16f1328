import { Observable } from 'rxjs';
import type { ConsumerOptions, Delivery, Log } from '../log/log.ts';

/**
 * The deliveries of one partition of a log subject as an Observable. Backpressure
 * comes from the consumer's `maxAckPending`: the log stops delivering until
 * acknowledgements free room. Unsubscribing closes the consumer; what was not
 * acknowledged stays pending for the next one.
 *
 * @example
 * source(log, 'orders', 0, { durable: 'billing', fromSeq: 1 }).subscribe((d) => d.ack());
 */
export function source(
  log: Log,
  subject: string,
  partition: number,
  options: ConsumerOptions,
): Observable<Delivery> {
  return new Observable<Delivery>((subscriber) => {
    const consumer = log.consume(subject, partition, options);
    (async () => {
      for await (const delivery of consumer) {
        if (subscriber.closed) break;
        subscriber.next(delivery);
      }
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      void consumer.close();
    };
  });
}
