import { hostname } from 'node:os';
import { Subject, type Subscription, takeUntil } from 'rxjs';
import type { ActorEvent } from '../actor/actor-definition.ts';
import { jsonDecoder } from '../codec/json-decoder.ts';
import { FencedError } from '../errors/fenced-error.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { meteredStore } from '../metrics/metered-store.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import { runPartition } from '../operators/run-partition.ts';
import { sink } from '../operators/sink.ts';
import { source } from '../operators/source.ts';
import { type AnyActor, actorProgram, type Program } from '../runtime/program.ts';
import type { HeldLease, Json, OutboxRow, PartitionClaim, Store } from '../store/store.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { restartBackoff } from './restart-backoff.ts';
import { checkStageNames } from './stage-names.ts';
import type { StageOptions } from './stage-options.ts';

interface Running {
  readonly epoch: number;
  readonly subscription: Subscription;
  /** Ends the input and lets the work accepted so far commit. */
  readonly drain: () => void;
  readonly done: Promise<void>;
}

/**
 * One stage: an input subject, a keyed actor, an output subject. Takes its
 * partitions, reads each from its committed watermark, runs the actor with
 * exactly-once commits, publishes outputs through the outbox, and restarts a
 * partition that fails from its committed state.
 *
 * Ownership: with `partitions` given, the instance claims exactly those (a
 * claim fences whoever had them). Without it, the instances of a stage share
 * the input's partitions through leases in the Store: each takes its fair
 * share, renews it every `leaseMs / 3`, hands partitions over when others
 * join, and takes over those of an instance that left (at once, when it
 * stopped with `stop()`) or died (once its leases run out).
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
  /** Partitions waiting to restart after a failure, with the epoch they last ran under. */
  readonly #restarts = new Map<number, { timer: ReturnType<typeof setTimeout>; epoch: number }>();
  /** Failures of each partition since it last committed: the restart backoff grows with them. */
  readonly #failures = new Map<number, number>();
  #keeper: LeaseKeeper | undefined;
  #stopping = false;
  readonly #store: Store;
  readonly #metrics: StageMetrics | undefined;
  readonly #program: Program;
  #outputPartitions = 1;

  constructor(options: StageOptions<S, I, E, O>) {
    checkStageNames(options.name, options.actor.name);
    this.#options = options;
    this.#program = actorProgram(
      options.actor as unknown as AnyActor,
      options.decode ?? jsonDecoder(options.schema),
      options.output,
    );
    this.#log = options.logger ?? silentLogger;
    this.#metrics = options.metrics ? StageMetrics.of(options.metrics) : undefined;
    this.#store = this.#metrics ? meteredStore(options.store, this.#metrics) : options.store;
    const metrics = this.#metrics;
    if (metrics) {
      this.published$.subscribe((row) => {
        metrics.outputs.inc({ stage: options.name, subject: row.subject });
        if (row.subject === this.deadLetterSubject) {
          metrics.deadLetters.inc({ stage: options.name, phase: (row.payload as { phase: string }).phase });
        }
      });
    }
  }

  get name(): string {
    return this.#options.name;
  }

  get deadLetterSubject(): string {
    return this.#options.deadLetter ?? `${this.#options.name}.dead-letter`;
  }

  /**
   * Committed watermark per partition this instance holds (or held last, after
   * `stop`); a partition handed over, lost or fenced leaves it.
   */
  watermarks(): ReadonlyMap<number, number> {
    return this.#watermarks;
  }

  /** Partitions running in this instance now, ascending. */
  partitions(): readonly number[] {
    return [...this.#running.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    const { log, input, output, name } = this.#options;
    const store = this.#store;
    const inputPartitions = await log.partitions(input);
    const outputPartitions = this.#options.outputPartitions ?? inputPartitions;
    if (output !== undefined) await log.ensureTopic({ subject: output, partitions: outputPartitions });
    await log.ensureTopic({ subject: this.deadLetterSubject, partitions: outputPartitions });
    this.#outputPartitions = outputPartitions;
    const fixed = this.#options.partitions;
    for (const p of fixed ?? []) {
      if (!Number.isInteger(p) || p < 0 || p >= inputPartitions) {
        throw new RangeError(`partition ${p} does not exist: "${input}" has ${inputPartitions} partitions`);
      }
    }
    this.#stopping = false;
    if (fixed) {
      const claims = await Promise.all(fixed.map((p) => store.claim(name, p, this.#owner)));
      for (const claim of claims) this.#startPartition(claim);
      return;
    }
    const leaseMs = this.#options.leaseMs ?? 10_000;
    this.#keeper = new LeaseKeeper(
      {
        store,
        stage: name,
        owner: this.#owner,
        partitions: inputPartitions,
        leaseMs,
        renewEveryMs: Math.max(1, Math.floor(leaseMs / 3)),
        logger: this.#log,
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
    this.#clearRestarts();
    const keeper = this.#keeper;
    this.#keeper = undefined;
    await keeper?.stop();
    const drained = this.#held();
    await Promise.all([...this.#running.keys()].map((p) => this.#drainPartition(p)));
    await keeper?.leave(drained);
    this.#changed('stopped');
  }

  /** Stops at once without committing or releasing anything, as a crash would. For fault tests. */
  kill(): void {
    this.#stopping = true;
    this.#clearRestarts();
    void this.#keeper?.stop();
    this.#keeper = undefined;
    for (const r of this.#running.values()) r.subscription.unsubscribe();
    this.#running.clear();
  }

  get #owner(): string {
    return this.#options.owner ?? `${hostname()}:${process.pid}`;
  }

  #held(): HeldLease[] {
    const held: HeldLease[] = [];
    for (const [partition, r] of this.#running) held.push({ partition, epoch: r.epoch });
    for (const [partition, r] of this.#restarts) held.push({ partition, epoch: r.epoch });
    return held;
  }

  #stopPartitionNow(partition: number): void {
    const restart = this.#restarts.get(partition);
    if (restart) clearTimeout(restart.timer);
    this.#restarts.delete(partition);
    this.#running.get(partition)?.subscription.unsubscribe();
    this.#running.delete(partition);
  }

  async #drainPartition(partition: number): Promise<void> {
    const restart = this.#restarts.get(partition);
    if (restart) clearTimeout(restart.timer);
    this.#restarts.delete(partition);
    const running = this.#running.get(partition);
    if (!running) return;
    running.drain();
    await running.done;
    if (this.#running.get(partition) === running) this.#running.delete(partition);
  }

  #clearRestarts(): void {
    for (const r of this.#restarts.values()) clearTimeout(r.timer);
    this.#restarts.clear();
  }

  #startPartition(claim: PartitionClaim): void {
    const o = this.#options;
    const { partition } = claim;
    this.#watermarks.set(partition, claim.watermark);
    this.#log.info(
      { stage: o.name, partition, epoch: claim.epoch, watermark: claim.watermark },
      'partition claimed',
    );
    const stop$ = new Subject<void>();
    let draining = false;
    const drain = (): void => {
      draining = true;
      stop$.next();
    };
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const pipeline = source(o.log, o.input, partition, {
      durable: o.name,
      fromSeq: claim.watermark + 1,
      maxAckPending: o.maxInFlight ?? 2000,
      ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
      ...(o.acks !== undefined ? { acks: o.acks } : {}),
    }).pipe(
      takeUntil(stop$),
      runPartition(this.#program, {
        claim,
        stage: o.name,
        store: this.#store,
        deadLetterSubject: this.deadLetterSubject,
        checkOutput: (subject, record) => o.log.check(subject, record),
        ...this.#observers(),
        // Outputs are numbered per destination partition, so downstream stages can drop republished ones.
        outputPartitions: (subject) =>
          subject === o.output || subject === this.deadLetterSubject ? this.#outputPartitions : undefined,
        ...optional(o),
      }),
      sink(o.log, this.#store, { deadLetter: { subject: this.deadLetterSubject, actor: o.actor.name } }),
    );
    const subscription = pipeline.subscribe({
      next: (event) => {
        if (event.kind === 'published') this.published$.next(event.row);
        else if (event.kind === 'committed') this.#committed(event.partition, event.watermark);
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
    this.#running.set(partition, { epoch: claim.epoch, subscription, drain, done });
    this.#changed('started');
  }

  /** The runtime's reports, as metrics. */
  #observers(): { onSnapshotSkipped?: () => void } {
    const metrics = this.#metrics;
    const stage = this.#options.name;
    return metrics ? { onSnapshotSkipped: () => metrics.snapshotsSkipped.inc({ stage }) } : {};
  }

  #committed(partition: number, watermark: number): void {
    const metrics = this.#metrics;
    if (this.#failures.delete(partition)) {
      metrics?.restartDelay.set({ stage: this.#options.name, partition: String(partition) }, 0);
    }
    if (metrics) {
      const labels = { stage: this.#options.name, partition: String(partition) };
      const before = this.#watermarks.get(partition) ?? watermark;
      if (watermark > before) metrics.inputs.inc(labels, watermark - before);
      metrics.watermark.set(labels, watermark);
    }
    this.#watermarks.set(partition, watermark);
  }

  /** Counts an ownership change and updates the partitions gauge. */
  #changed(change: 'started' | 'handed_over' | 'lost' | 'fenced' | 'restarted' | 'stopped'): void {
    if (!this.#metrics) return;
    this.#metrics.ownership.inc({ stage: this.#options.name, change });
    this.#metrics.partitions.set({ stage: this.#options.name }, this.#running.size);
  }

  #failed(partition: number, error: unknown): void {
    const running = this.#running.get(partition);
    running?.subscription.unsubscribe();
    this.#running.delete(partition);
    if (error instanceof FencedError) {
      this.#log.warn({ stage: this.#options.name, partition }, 'partition taken by another owner; released');
      this.#watermarks.delete(partition);
      this.#changed('fenced');
      return;
    }
    if (this.#stopping || !running) return;
    this.#scheduleRestart(partition, running.epoch, error, 'partition failed');
    this.#changed('restarted');
  }

  /**
   * Restarts a failed partition after a backoff that doubles with each failure
   * since its last commit (capped, with jitter), so a partition whose server is
   * down retries calmly instead of every half second.
   */
  #scheduleRestart(partition: number, epoch: number, error: unknown, what: string): void {
    const attempt = (this.#failures.get(partition) ?? 0) + 1;
    this.#failures.set(partition, attempt);
    const delayMs = restartBackoff(attempt, this.#options.restartDelayMs, this.#options.maxRestartDelayMs);
    const labels = { stage: this.#options.name, partition: String(partition) };
    this.#log.error(
      { ...labels, attempt, delayMs, error: String(error) },
      `${what}; restarting in ${delayMs} ms`,
    );
    this.#metrics?.restarts.inc(labels);
    this.#metrics?.restartDelay.set(labels, delayMs / 1000);
    const timer = setTimeout(() => {
      this.#restarts.delete(partition);
      if (!this.#stopping) this.#restart(partition);
    }, delayMs);
    this.#restarts.set(partition, { timer, epoch });
  }

  /** Takes the partition again (a new epoch) and runs it from its committed state. */
  #restart(partition: number): void {
    const { name } = this.#options;
    const store = this.#store;
    const leased = this.#keeper !== undefined;
    const taking = leased
      ? store.acquire(name, partition, this.#owner, this.#options.leaseMs ?? 10_000)
      : store.claim(name, partition, this.#owner);
    taking.then(
      (claim) => {
        if (this.#stopping || this.#running.has(partition)) return;
        if (claim) this.#startPartition(claim);
        else this.#log.warn({ stage: name, partition }, 'partition taken by another owner while restarting');
      },
      (e: unknown) => this.#retryLater(partition, e),
    );
  }

  #retryLater(partition: number, error: unknown): void {
    if (this.#stopping) return;
    this.#scheduleRestart(partition, 0, error, 'restart failed');
  }
}

/** Copies only the options that are set, as exactOptionalPropertyTypes asks. */
function optional<S extends Json, I, E extends ActorEvent, O extends Json>(o: StageOptions<S, I, E, O>) {
  return {
    ...(o.commitEvery !== undefined ? { commitEvery: o.commitEvery } : {}),
    ...(o.commitIntervalMs !== undefined ? { commitIntervalMs: o.commitIntervalMs } : {}),
    ...(o.maxActiveKeys !== undefined ? { maxActiveKeys: o.maxActiveKeys } : {}),
    ...(o.allowedLatenessMs !== undefined ? { allowedLatenessMs: o.allowedLatenessMs } : {}),
    ...(o.timerTickMs !== undefined ? { timerTickMs: o.timerTickMs } : {}),
    ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
  };
}
