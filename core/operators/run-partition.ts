import { Observable, type OperatorFunction } from 'rxjs';
import { takeOver } from '../exactly-once/takeover.ts';
import type { Delivery } from '../log/log.ts';
import { PartitionRuntime } from '../runtime/partition-runtime.ts';
import type { Program } from '../runtime/program.ts';
import type { RuntimeOptions } from '../runtime/runtime-options.ts';
import type { PartitionClaim } from '../store/store.ts';
import type { PartitionEvent } from './partition-event.ts';

export interface PartitionOptions extends RuntimeOptions {
  /** The ownership this instance holds; deliveries must start at `claim.watermark + 1`. */
  readonly claim: PartitionClaim;
}

/**
 * Runs a program (its steps and keyed actors) over the deliveries of one
 * claimed partition and emits what each commit covered (see
 * `PartitionEvent`): the outbox rows it wrote, starting with rows an earlier
 * owner committed but did not publish, its results and its watermark. Pipe
 * into `sink` to publish the rows. Completes after the source completes and
 * the last commit is done; errors with `FencedError` when another owner took
 * the partition.
 * Internal: pipelines and stages compose it with `source` and `sink`.
 *
 * @example
 * source(log, 'orders', 0, { durable: 'billing', fromSeq: claim.watermark + 1 })
 *   .pipe(runPartition(program, { claim, store, stage: 'billing', ... }), sink(log, store))
 *   .subscribe();
 */
export function runPartition(
  program: Program,
  options: PartitionOptions,
): OperatorFunction<Delivery, PartitionEvent> {
  return (deliveries) =>
    new Observable<PartitionEvent>((subscriber) => {
      const { store, claim } = options;
      let runtime: PartitionRuntime | undefined;
      const early: Delivery[] = [];
      let sourceDone = false;
      const finish = (): void => {
        runtime?.drain().then(
          () => subscriber.complete(),
          (error: unknown) => subscriber.error(error),
        );
      };
      takeOver(store, claim).then(
        ({ timers, leftover, firstPosition }) => {
          if (subscriber.closed) return;
          // Rows this process published before a restart (acknowledged, not yet deleted) are in the log.
          const published = options.published;
          for (const row of leftover) if (!published?.has(row.msgId)) subscriber.next({ kind: 'row', row });
          runtime = new PartitionRuntime(
            program,
            options,
            { claim, timers, firstPosition },
            {
              onCommitted: (rows, results, watermark, eventTimeWatermark, keys) => {
                for (const row of rows) subscriber.next({ kind: 'row', row });
                for (const result of results) subscriber.next({ kind: 'result', result });
                subscriber.next({
                  kind: 'committed',
                  partition: claim.partition,
                  watermark,
                  eventTimeWatermark,
                  keys,
                });
              },
              onFailed: (error) => subscriber.error(error),
            },
          );
          for (const d of early) runtime.push(d);
          early.length = 0;
          if (sourceDone) finish();
        },
        (error: unknown) => subscriber.error(error),
      );
      const subscription = deliveries.subscribe({
        next: (d) => (runtime ? runtime.push(d) : early.push(d)),
        error: (error: unknown) => {
          runtime?.abort();
          subscriber.error(error);
        },
        complete: () => {
          sourceDone = true;
          if (runtime) finish();
        },
      });
      return () => {
        subscription.unsubscribe();
        runtime?.abort();
      };
    });
}
