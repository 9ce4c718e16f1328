import { setTimeout as sleep } from 'node:timers/promises';
import { LogClosedError } from '../../core/errors/log-closed-error.ts';
import type { Log } from '../../core/log/log.ts';
import type { PlannedEvent } from './plan.ts';

/** An event as the log stored it. */
export interface PublishedEvent extends PlannedEvent {
  readonly partition: number;
  readonly seq: number;
}

export interface PublishOptions {
  readonly subject: string;
  /** Events per second at most; spreads the run so that faults land while it publishes. */
  readonly ratePerSec: number;
  /** Appends in flight at most (over distinct keys). */
  readonly concurrency: number;
  /** Gives up on one event after retrying it this long. */
  readonly giveUpAfterMs: number;
  readonly onProgress: (published: number) => void;
}

/** What publishing went through. */
export interface PublishStats {
  readonly events: readonly PublishedEvent[];
  /** Append attempts that failed and were retried (NATS restarting, mostly). */
  readonly retries: number;
  /** Appends JetStream answered as duplicates: a retry of one that had been stored. */
  readonly duplicates: number;
}

/**
 * Publishes the events with their msg ids, retrying each failed append with
 * the same id until it is stored, and at most one append in flight per key:
 * so each key's events are stored in plan order whatever fails, and the
 * reference sums are plain arithmetic over the plan.
 *
 * @example
 * const { events } = await publishEvents(log, planEvents({ count: 1_000, keys: 10, seed: 1 }), options);
 */
export async function publishEvents(
  log: Log,
  plan: readonly PlannedEvent[],
  options: PublishOptions,
): Promise<PublishStats> {
  const stored: PublishedEvent[] = new Array(plan.length);
  const tails = new Map<string, Promise<void>>();
  const encoder = new TextEncoder();
  let inFlight = 0;
  let published = 0;
  let retries = 0;
  let duplicates = 0;
  let failure: unknown;
  let freed: (() => void) | undefined;
  const started = performance.now();

  const append = async (event: PlannedEvent): Promise<void> => {
    const deadline = Date.now() + options.giveUpAfterMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const ack = await log.append(options.subject, {
          key: event.key,
          payload: encoder.encode(JSON.stringify({ e: event.e, n: event.n })),
          msgId: `in-${event.e}`,
        });
        if (ack.duplicate) duplicates++;
        stored[event.e] = { ...event, partition: ack.partition, seq: ack.seq };
        options.onProgress(++published);
        return;
      } catch (error) {
        // Closed: the run is being torn down after a failure; retrying would only delay that.
        if (error instanceof LogClosedError || Date.now() > deadline) throw error;
        retries++;
        await sleep(Math.min(2_000, 50 * 2 ** attempt));
      }
    }
  };

  for (const event of plan) {
    if (failure !== undefined) break;
    const due = (event.e / options.ratePerSec) * 1_000 - (performance.now() - started);
    if (due > 0) await sleep(due);
    while (inFlight >= options.concurrency) await new Promise<void>((resolve) => (freed = resolve));
    inFlight++;
    const previous = tails.get(event.key) ?? Promise.resolve();
    const tail = previous
      .then(() => append(event))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        inFlight--;
        freed?.();
        freed = undefined;
      });
    tails.set(event.key, tail);
  }
  await Promise.all(tails.values());
  if (failure !== undefined) throw failure;
  return { events: stored, retries, duplicates };
}
