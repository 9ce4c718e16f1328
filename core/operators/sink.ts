import { Observable, type OperatorFunction } from 'rxjs';
import type { Log } from '../log/log.ts';
import type { OutboxRow, Store } from '../store/store.ts';
import { OutboxDeleter } from './outbox-deleter.ts';

const encoder = new TextEncoder();

export interface SinkOptions {
  /** Rows published concurrently, at most. Default 256. */
  readonly window?: number;
}

/**
 * Publishes committed outbox rows in order with their deterministic msg ids and
 * deletes each from the outbox only after the log acknowledged it (in the
 * background: publishing goes on meanwhile). A crash in between republishes
 * the row under the same id, which the log deduplicates. Emits each row once
 * it is published; completes once every published row is deleted.
 *
 * @example
 * rows$.pipe(sink(log, store)).subscribe((row) => console.log('published', row.msgId));
 */
export function sink(
  log: Log,
  store: Store,
  options: SinkOptions = {},
): OperatorFunction<OutboxRow, OutboxRow> {
  const window = options.window ?? 256;
  return (rows) =>
    new Observable<OutboxRow>((subscriber) => {
      const queue: OutboxRow[] = [];
      const deleter = new OutboxDeleter(store, (error) => subscriber.error(error));
      let working = false;
      let upstreamDone = false;
      const complete = (): void => {
        deleter.settled().then(
          () => subscriber.complete(),
          (error: unknown) => subscriber.error(error),
        );
      };
      const work = async (): Promise<void> => {
        working = true;
        while (queue.length > 0 && !subscriber.closed) {
          const batch = queue.splice(0, window);
          await Promise.all(
            batch.map((row) =>
              log.append(row.subject, {
                key: row.key,
                payload: encoder.encode(JSON.stringify(row.payload)),
                msgId: row.msgId,
                headers: row.headers,
                eventTime: row.eventTime,
                ...(row.originSeq > 0
                  ? { origin: { id: `${row.stage}/${row.partition}`, seq: row.originSeq } }
                  : {}),
              }),
            ),
          );
          deleter.delete(batch);
          for (const row of batch) subscriber.next(row);
        }
        working = false;
        if (upstreamDone) complete();
      };
      const kick = (): void => {
        if (!working) work().catch((error: unknown) => subscriber.error(error));
      };
      const subscription = rows.subscribe({
        next: (row) => {
          queue.push(row);
          kick();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          upstreamDone = true;
          if (!working) complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}
