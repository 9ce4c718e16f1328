import { hostname } from 'node:os';
import { Subject, type Subscription, takeUntil } from 'rxjs';
import type { ActorEvent } from '../actor/actor-definition.ts';
import { jsonDecoder } from '../codec/json-decoder.ts';
import { FencedError } from '../errors/fenced-error.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { actor } from '../operators/actor.ts';
import { sink } from '../operators/sink.ts';
import { source } from '../operators/source.ts';
import type { Json, OutboxRow } from '../store/store.ts';
import type { StageOptions } from './stage-options.ts';

interface Running {
  readonly subscription: Subscription;
  readonly stop$: Subject<void>;
  readonly done: Promise<void>;
}

/**
 * One stage: an input subject, a keyed actor, an output subject. Claims its
 * partitions, reads each from its committed watermark, runs the actor with
 * exactly-once commits, publishes outputs through the outbox, and restarts a
 * partition that fails from its committed state.
 *
 * @example
 * const stage = new Stage({ name: 'totals', log, store, input: 'orders', output: 'totals', actor: counter });
 * await stage.start();
 * stage.published$.subscribe((row) => console.log(row.key, row.payload));
 * process.on('SIGTERM', () => stage.stop());
 */
export class Stage<S extends Json, I, E extends ActorEvent, O extends Json> {
  /** Every output row once the log acknowledged it. */
  readonly published$ = new Subject<OutboxRow>();
  readonly #options: StageOptions<S, I, E, O>;
  readonly #log: Logger;
  readonly #running = new Map<number, Running>();
  readonly #watermarks = new Map<number, number>();
  readonly #restarts = new Set<ReturnType<typeof setTimeout>>();
  #stopping = false;

  constructor(options: StageOptions<S, I, E, O>) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
  }

  get name(): string {
    return this.#options.name;
  }

  get deadLetterSubject(): string {
    return this.#options.deadLetter ?? `${this.#options.name}.dead-letter`;
  }

  /** Committed watermark per owned partition. */
  watermarks(): ReadonlyMap<number, number> {
    return this.#watermarks;
  }

  async start(): Promise<void> {
    const { log, input, output } = this.#options;
    const inputPartitions = await log.partitions(input);
    const outputPartitions = this.#options.outputPartitions ?? inputPartitions;
    if (output !== undefined) await log.ensureTopic({ subject: output, partitions: outputPartitions });
    await log.ensureTopic({ subject: this.deadLetterSubject, partitions: outputPartitions });
    const owned = this.#options.partitions ?? Array.from({ length: inputPartitions }, (_, i) => i);
    for (const p of owned) {
      if (!Number.isInteger(p) || p < 0 || p >= inputPartitions) {
        throw new RangeError(`partition ${p} does not exist: "${input}" has ${inputPartitions} partitions`);
      }
    }
    this.#stopping = false;
    await Promise.all(owned.map((p) => this.#startPartition(p)));
  }

  /** Drains: finishes accepted work, commits, publishes, and releases the partitions' consumers. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#clearRestarts();
    const running = [...this.#running.values()];
    for (const r of running) r.stop$.next();
    await Promise.all(running.map((r) => r.done));
    this.#running.clear();
  }

  /** Stops at once without committing, as a crash would. For fault tests. */
  kill(): void {
    this.#stopping = true;
    this.#clearRestarts();
    for (const r of this.#running.values()) r.subscription.unsubscribe();
    this.#running.clear();
  }

  #clearRestarts(): void {
    for (const t of this.#restarts) clearTimeout(t);
    this.#restarts.clear();
  }

  async #startPartition(partition: number): Promise<void> {
    const o = this.#options;
    const owner = o.owner ?? `${hostname()}:${process.pid}`;
    const claim = await o.store.claim(o.name, partition, owner);
    this.#watermarks.set(partition, claim.watermark);
    this.#log.info(
      { stage: o.name, partition, epoch: claim.epoch, watermark: claim.watermark },
      'partition claimed',
    );
    const stop$ = new Subject<void>();
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const pipeline = source(o.log, o.input, partition, {
      durable: o.name,
      fromSeq: claim.watermark + 1,
      maxAckPending: o.maxInFlight ?? 2000,
      ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
    }).pipe(
      takeUntil(stop$),
      actor(o.actor, {
        claim,
        stage: o.name,
        store: o.store,
        deadLetterSubject: this.deadLetterSubject,
        decode: o.decode ?? jsonDecoder(o.schema),
        onCommit: (p, watermark) => this.#watermarks.set(p, watermark),
        ...optional(o),
      }),
      sink(o.log, o.store),
    );
    const subscription = pipeline.subscribe({
      next: (row) => this.published$.next(row),
      error: (error: unknown) => {
        settle();
        this.#failed(partition, error);
      },
      complete: () => settle(),
    });
    this.#running.set(partition, { subscription, stop$, done });
  }

  #failed(partition: number, error: unknown): void {
    const running = this.#running.get(partition);
    running?.subscription.unsubscribe();
    this.#running.delete(partition);
    if (error instanceof FencedError) {
      this.#log.warn({ stage: this.#options.name, partition }, 'partition taken by another owner; released');
      return;
    }
    if (this.#stopping) return;
    this.#log.error(
      { stage: this.#options.name, partition, error: String(error) },
      'partition failed; restarting',
    );
    const timer = setTimeout(() => {
      this.#restarts.delete(timer);
      if (this.#stopping) return;
      this.#startPartition(partition).catch((e: unknown) => this.#failed(partition, e));
    }, this.#options.restartDelayMs ?? 500);
    this.#restarts.add(timer);
  }
}

/** Copies only the options that are set, as exactOptionalPropertyTypes asks. */
function optional<S extends Json, I, E extends ActorEvent, O extends Json>(o: StageOptions<S, I, E, O>) {
  return {
    ...(o.output !== undefined ? { outputSubject: o.output } : {}),
    ...(o.commitEvery !== undefined ? { commitEvery: o.commitEvery } : {}),
    ...(o.commitIntervalMs !== undefined ? { commitIntervalMs: o.commitIntervalMs } : {}),
    ...(o.maxActiveKeys !== undefined ? { maxActiveKeys: o.maxActiveKeys } : {}),
    ...(o.allowedLatenessMs !== undefined ? { allowedLatenessMs: o.allowedLatenessMs } : {}),
    ...(o.timerTickMs !== undefined ? { timerTickMs: o.timerTickMs } : {}),
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
    ...(o.mutation !== undefined ? { mutation: o.mutation } : {}),
  };
}
