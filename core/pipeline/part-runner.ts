import { Subject, type Subscription, takeUntil } from 'rxjs';
import { FencedError } from '../errors/fenced-error.ts';
import { foldDeletesMs, PublishedOutbox } from '../exactly-once/published-outbox.ts';
import { meteredStore } from '../metrics/metered-store.ts';
import type { PartitionEvent } from '../operators/partition-event.ts';
import { runPartition } from '../operators/run-partition.ts';
import { sink } from '../operators/sink.ts';
import { source } from '../operators/source.ts';
import type { Program } from '../runtime/program.ts';
import { LeaseKeeper } from '../stage/lease-keeper.ts';
import type { HeldLease, PartitionClaim, Store } from '../store/store.ts';
import type { ResolvedConfig } from './config.ts';
import { type PartitionChange, PartMetrics } from './part-metrics.ts';
import { RestartSchedule } from './restart-schedule.ts';

/** One part of a pipeline: what it reads, runs and writes. */
export interface PartSpec {
  /** Names its store rows, durable consumers and msg ids. */
  readonly name: string;
  readonly input: string;
  readonly program: Program;
  /** The subjects its sinks publish to: created with the output partitions, their outputs numbered. */
  readonly outputs: readonly string[];
}

interface Running {
  readonly epoch: number;
  readonly subscription: Subscription;
  /** Ends the input and lets the work accepted so far commit. */
  readonly drain: () => void;
  readonly done: Promise<void>;
}

/**
 * Runs one part of a pipeline over the partitions this instance owns: reads
 * each from its committed watermark, runs the part's program with
 * exactly-once commits, publishes through the outbox, and restarts a
 * partition that fails from its committed state (backing off). Everything it
 * commits and publishes goes out on `events$`.
 *
 * Ownership: with `partitions` given, the instance claims exactly those (a
 * claim fences whoever had them). Without it, the instances share the input's
 * partitions through leases in the Store: each takes its fair share, renews it
 * every `leaseMs / 3`, hands partitions over when others join, and takes over
 * those of an instance that left (at once, when it stopped) or died (once its
 * leases run out).
 */
export class PartRunner {
  readonly events$ = new Subject<PartitionEvent>();
  readonly #c: ResolvedConfig;
  readonly #spec: PartSpec;
  readonly #store: Store;
  readonly #metrics: PartMetrics;
  readonly #running = new Map<number, Running>();
  readonly #watermarks = new Map<number, number>();
  /** Per partition: rows published and not yet deleted (see `PublishedOutbox`), kept across restarts. */
  readonly #published = new Map<number, PublishedOutbox>();
  readonly #restarts: RestartSchedule;
  #keeper: LeaseKeeper | undefined;
  #stopping = false;
  #outputPartitions = 1;
  #inputPartitions = 1;

  constructor(config: ResolvedConfig, spec: PartSpec) {
    this.#c = config;
    this.#spec = spec;
    this.#restarts = new RestartSchedule(config);
    this.#metrics = new PartMetrics(config.metrics, spec.name, config.deadLetter);
    const registered = this.#metrics.registered;
    this.#store = registered ? meteredStore(config.store, registered) : config.store;
    this.events$.subscribe((event) => this.#metrics.event(event));
  }

  /** Committed watermark per partition this instance holds (or held last, after `stop`). */
  watermarks(): ReadonlyMap<number, number> {
    return this.#watermarks;
  }

  /** Partitions running in this instance now, ascending. */
  partitions(): readonly number[] {
    return [...this.#running.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    const { log, partitions: fixed, owner, leaseMs } = this.#c;
    const { name, input, outputs } = this.#spec;
    const inputPartitions = await log.partitions(input);
    const outputPartitions = this.#c.outputPartitions ?? inputPartitions;
    for (const subject of [...outputs, this.#c.deadLetter]) {
      await log.ensureTopic({ subject, partitions: outputPartitions });
    }
    this.#outputPartitions = outputPartitions;
    this.#inputPartitions = inputPartitions;
    for (const p of fixed ?? []) {
      if (!Number.isInteger(p) || p < 0 || p >= inputPartitions) {
        throw new RangeError(`partition ${p} does not exist: "${input}" has ${inputPartitions} partitions`);
      }
    }
    this.#stopping = false;
    if (fixed) {
      const claims = await Promise.all(fixed.map((p) => this.#store.claim(name, p, owner)));
      for (const claim of claims) this.#startPartition(claim);
      return;
    }
    this.#keeper = new LeaseKeeper(
      {
        store: this.#store,
        stage: name,
        owner,
        partitions: inputPartitions,
        leaseMs,
        renewEveryMs: Math.max(1, Math.floor(leaseMs / 3)),
        logger: this.#c.logger,
      },
      {
        held: () => this.#held(),
        start: (claim) => this.#startPartition(claim),
        lose: (partition) => {
          this.#stopPartitionNow(partition);
          this.#watermarks.delete(partition);
          this.#changed('lost');
        },
        drain: async (partition) => {
          await this.#drainPartition(partition);
          this.#watermarks.delete(partition);
          this.#changed('handed_over');
        },
      },
    );
    await this.#keeper.start();
  }

  /** Drains: finishes accepted work, commits, publishes, and releases the partitions (and their leases). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#restarts.cancelAll();
    const keeper = this.#keeper;
    this.#keeper = undefined;
    await keeper?.stop();
    const drained = this.#held();
    await Promise.all([...this.#running.keys()].map((p) => this.#drainPartition(p)));
    await keeper?.leave(drained);
    this.#changed('stopped');
  }

  /** Stops at once without committing or releasing anything, as a crash would. */
  kill(): void {
    this.#stopping = true;
    this.#restarts.cancelAll();
    void this.#keeper?.stop();
    this.#keeper = undefined;
    for (const r of this.#running.values()) r.subscription.unsubscribe();
    this.#running.clear();
  }

  #held(): HeldLease[] {
    const held: HeldLease[] = [];
    for (const [partition, r] of this.#running) held.push({ partition, epoch: r.epoch });
    for (const [partition, epoch] of this.#restarts.waiting()) held.push({ partition, epoch });
    return held;
  }

  #stopPartitionNow(partition: number): void {
    this.#restarts.cancel(partition);
    this.#running.get(partition)?.subscription.unsubscribe();
    this.#running.delete(partition);
  }

  async #drainPartition(partition: number): Promise<void> {
    this.#restarts.cancel(partition);
    const running = this.#running.get(partition);
    if (!running) return;
    running.drain();
    await running.done;
    if (this.#running.get(partition) === running) this.#running.delete(partition);
  }

  #startPartition(claim: PartitionClaim): void {
    const c = this.#c;
    const { name, input, program, outputs } = this.#spec;
    const { partition } = claim;
    this.#watermarks.set(partition, claim.watermark);
    c.logger.info(
      { stage: name, partition, epoch: claim.epoch, watermark: claim.watermark },
      'partition claimed',
    );
    const stop$ = new Subject<void>();
    let draining = false;
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const numbered = new Set([...outputs, c.deadLetter]);
    // Published rows wait here for the partition's next commit to delete them, across restarts.
    const published = this.#published.get(partition) ?? new PublishedOutbox();
    this.#published.set(partition, published);
    const events = source(c.log, input, partition, {
      durable: name,
      fromSeq: claim.watermark + 1,
      maxAckPending: c.maxInFlight,
      acks: c.acks,
      ...(c.ackWaitMs !== undefined ? { ackWaitMs: c.ackWaitMs } : {}),
    }).pipe(
      takeUntil(stop$),
      runPartition(program, {
        claim,
        stage: name,
        store: this.#store,
        deadLetterSubject: c.deadLetter,
        checkOutput: (subject, record) => c.log.check(subject, record),
        // Outputs are numbered per destination partition, so downstream parts can drop republished ones.
        outputPartitions: (subject) => (numbered.has(subject) ? this.#outputPartitions : undefined),
        commitEvery: c.commitEvery,
        commitIntervalMs: c.commitIntervalMs,
        maxActiveKeys: c.maxActiveKeys,
        allowedLatenessMs: c.allowedLatenessMs,
        timerTickMs: c.timerTickMs,
        inputPartitions: this.#inputPartitions,
        watermarkIntervalMs: c.watermarkIntervalMs,
        ...(c.idleTimeoutMs !== undefined ? { idleTimeoutMs: c.idleTimeoutMs } : {}),
        clock: c.clock,
        logger: c.logger,
        ...(c.ackWaitMs !== undefined ? { ackWaitMs: c.ackWaitMs } : {}),
        onSnapshotSkipped: () => this.#metrics.snapshotSkipped(),
        published,
      }),
      sink(c.log, this.#store, {
        deadLetter: { subject: c.deadLetter, actor: program.actors[0]?.name ?? name },
        fold: { stage: name, partition, published, afterMs: foldDeletesMs(c.commitIntervalMs) },
      }),
    );
    const subscription = events.subscribe({
      next: (event) => {
        if (event.kind === 'committed') {
          this.#committed(event.partition, event.watermark, event.eventTimeWatermark);
          this.#metrics.keys(event.partition, event.keys);
        }
        this.events$.next(event);
      },
      error: (error: unknown) => {
        settle();
        this.#failed(partition, error);
      },
      complete: () => {
        settle();
        // Completing without a drain means the input ended under us: its consumer was taken
        // over or lost. Take the partition again (a new epoch) or let its new owner have it.
        if (!draining && !this.#stopping) {
          this.#failed(partition, new Error(`input consumer of partition ${partition} ended unexpectedly`));
        }
      },
    });
    const drain = (): void => {
      draining = true;
      stop$.next();
    };
    this.#running.set(partition, { epoch: claim.epoch, subscription, drain, done });
    this.#changed('started');
  }

  #committed(partition: number, watermark: number, eventTime: number): void {
    const before = this.#watermarks.get(partition) ?? watermark;
    this.#metrics.committed(partition, before, watermark, this.#restarts.committed(partition), eventTime);
    this.#watermarks.set(partition, watermark);
  }

  /** Counts an ownership change and updates the partitions gauge. */
  #changed(change: PartitionChange): void {
    this.#metrics.changed(change, this.#running.size);
  }

  #failed(partition: number, error: unknown): void {
    const running = this.#running.get(partition);
    running?.subscription.unsubscribe();
    this.#running.delete(partition);
    if (error instanceof FencedError) {
      this.#c.logger.warn(
        { stage: this.#spec.name, partition },
        'partition taken by another owner; released',
      );
      this.#watermarks.delete(partition);
      this.#changed('fenced');
      return;
    }
    if (this.#stopping || !running) return;
    this.#scheduleRestart(partition, running.epoch, error, 'partition failed');
    this.#changed('restarted');
  }

  /** Restarts a failed partition after its backoff (see `RestartSchedule`). */
  #scheduleRestart(partition: number, epoch: number, error: unknown, what: string): void {
    const { attempt, delayMs } = this.#restarts.schedule(partition, epoch, () => {
      if (!this.#stopping) this.#restart(partition);
    });
    const labels = { stage: this.#spec.name, partition: String(partition) };
    this.#c.logger.error(
      { ...labels, attempt, delayMs, error: String(error) },
      `${what}; restarting in ${delayMs} ms`,
    );
    this.#metrics.restarting(partition, delayMs);
  }

  /** Takes the partition again (a new epoch) and runs it from its committed state. */
  #restart(partition: number): void {
    const { name } = this.#spec;
    const { owner, leaseMs } = this.#c;
    const taking =
      this.#keeper !== undefined
        ? this.#store.acquire(name, partition, owner, leaseMs)
        : this.#store.claim(name, partition, owner);
    taking.then(
      (claim) => {
        if (this.#stopping || this.#running.has(partition)) return;
        if (claim) this.#startPartition(claim);
        else
          this.#c.logger.warn(
            { stage: name, partition },
            'partition taken by another owner while restarting',
          );
      },
      (error: unknown) => {
        if (!this.#stopping) this.#scheduleRestart(partition, 0, error, 'restart failed');
      },
    );
  }
}
