import { Observable, type OperatorFunction } from 'rxjs';
import type { Log } from '../log/log.ts';
import type { OutboxRow, Store } from '../store/store.ts';

const encoder = new TextEncoder();

export interface SinkOptions {
  /** Rows published concurrently before their outbox rows are deleted together. Default 256. */
  readonly window?: number;
}

/**
 * Publishes committed outbox rows in order with their deterministic msg ids and
 * deletes each from the outbox only after the log acknowledged it. A crash in
 * between republishes the row under the same id, which the log deduplicates.
 * Emits each row once it is published.
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
      let working = false;
      let upstreamDone = false;
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
          await Promise.all(
            [...groupByPartition(batch).values()].map((group) =>
              store.deleteOutbox(group.stage, group.partition, group.msgIds),
            ),
          );
          for (const row of batch) subscriber.next(row);
        }
        working = false;
        if (upstreamDone) subscriber.complete();
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
          if (!working) subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}

function groupByPartition(
  rows: readonly OutboxRow[],
): Map<string, { stage: string; partition: number; msgIds: string[] }> {
  const groups = new Map<string, { stage: string; partition: number; msgIds: string[] }>();
  for (const row of rows) {
    const id = `${row.stage}\u0000${row.partition}`;
    let group = groups.get(id);
    if (!group) {
      group = { stage: row.stage, partition: row.partition, msgIds: [] };
      groups.set(id, group);
    }
    group.msgIds.push(row.msgId);
  }
  return groups;
}
