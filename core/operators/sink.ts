import { Observable, type OperatorFunction } from 'rxjs';
import { hasDefect } from '../defects.ts';
import { type FoldedDeletes, OutboxDeleter } from '../exactly-once/outbox-deleter.ts';
import { type PublishFallback, publishRow } from '../exactly-once/outbox-publisher.ts';
import { CONTROL_ROW_HEADER } from '../exactly-once/watermark-control.ts';
import type { Log } from '../log/log.ts';
import type { OutboxRow, Store } from '../store/store.ts';
import type { PartitionEvent } from './partition-event.ts';

export interface SinkOptions {
  /** Rows published concurrently, at most. Default 256. */
  readonly window?: number;
  /**
   * Where a committed row goes that the log refuses after all (a
   * `RecordRefusedError`: its size limit shrank since the commit, a stream
   * has a smaller maximum message size): a dead letter (phase `publish`) in its
   * place. Without it, such a row errors the sink.
   */
  readonly deadLetter?: PublishFallback;
  /**
   * The rows of one partition whose commits delete them (the same
   * `PublishedOutbox` as its `runPartition`'s `published`): published rows of
   * that partition wait there for the next commit, and only those no commit
   * took within `afterMs` are deleted by a statement of their own.
   */
  readonly fold?: FoldedDeletes;
}

/**
 * Publishes committed outbox rows in order with their deterministic msg ids and
 * deletes each from the outbox only after the log acknowledged it (in the
 * background: publishing goes on meanwhile). A crash in between republishes
 * the row under the same id, which the log deduplicates. Emits each row as
 * `published` once the log acknowledged it (other events pass through);
 * completes once every published row is deleted.
 *
 * @example
 * events$.pipe(sink(log, store)).subscribe((e) => e.kind === 'published' && console.log(e.row.msgId));
 */
export function sink(
  log: Log,
  store: Store,
  options: SinkOptions = {},
): OperatorFunction<PartitionEvent, PartitionEvent> {
  const window = options.window ?? 256;
  return (events) =>
    new Observable<PartitionEvent>((subscriber) => {
      const queue: OutboxRow[] = [];
      const deleter = new OutboxDeleter(store, (error) => subscriber.error(error), options.fold);
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
          const batch = queue.splice(0, barrierAt(queue, window));
          if (hasDefect('delete-before-puback')) deleter.delete(batch, { now: true });
          const published = await Promise.all(batch.map((row) => publishRow(log, row, options.deadLetter)));
          if (!hasDefect('delete-before-puback')) deleter.delete(batch);
          for (const row of published) subscriber.next({ kind: 'published', row });
        }
        working = false;
        if (upstreamDone) complete();
      };
      const kick = (): void => {
        if (!working) work().catch((error: unknown) => subscriber.error(error));
      };
      const subscription = events.subscribe({
        next: (event) => {
          if (event.kind !== 'row') {
            subscriber.next(event);
            return;
          }
          queue.push(event.row);
          kick();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          upstreamDone = true;
          if (!working) complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        deleter.cancel();
      };
    });
}

/**
 * How many rows at the head of `queue` publish together: up to `window`, but a
 * watermark control row never shares a batch with the data rows before it.
 * Rows of one batch are appended concurrently, so a lost or retried append
 * could land after a later one; a control row says every row before it is
 * there, so it goes only once they all are.
 */
function barrierAt(queue: readonly OutboxRow[], window: number): number {
  const control = isControlRow(queue[0]);
  let n = 1;
  while (n < queue.length && n < window && isControlRow(queue[n]) === control) n++;
  return n;
}

function isControlRow(row: OutboxRow | undefined): boolean {
  return row !== undefined && row.headers[CONTROL_ROW_HEADER] !== undefined;
}
