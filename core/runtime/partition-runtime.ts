import { makeUpcaster } from '../actor/upcast.ts';
import { hasDefect } from '../defects.ts';
import { FencedError } from '../errors/fenced-error.ts';
import { AppliedOrigins } from '../exactly-once/applied-origins.ts';
import { Committer } from '../exactly-once/committer.ts';
import { UpstreamMarks } from '../exactly-once/upstream-marks.ts';
import { isControl, readControl } from '../exactly-once/watermark-control.ts';
import type { Delivery } from '../log/log.ts';
import { keyProblem } from '../log/record-key.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { PartResult } from '../operators/partition-event.ts';
import type { OutboxRow, PartitionClaim, TimerRow } from '../store/store.ts';
import { shown } from '../text.ts';
import { announceOptions } from './announce-options.ts';
import { INVALID_KEY } from './dead-letter.ts';
import { IdleWatch } from './idle-watch.ts';
import { programLoader } from './key-loader.ts';
import { KeyScheduler } from './key-scheduler.ts';
import type { KeySlot } from './key-slot.ts';
import type { Program } from './program.ts';
import { type EventTimeRead, readEventTime } from './read-event-time.ts';
import { recoverSlot } from './recover-slot.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { seqOf, timerSerialOf } from './task.ts';
import { TaskRunner } from './task-runner.ts';
import { TimerScheduler } from './timer-scheduler.ts';
import { controlUnit } from './unit.ts';

export interface RuntimeHooks {
  /** A commit is done: the outbox rows it wrote (publish order), its results and the watermark. */
  onCommitted(
    rows: readonly OutboxRow[],
    results: readonly PartResult[],
    watermark: number,
    eventTimeWatermark: number,
    keys: { readonly active: number; readonly passivated: number },
  ): void;
  /** The runtime stopped on an error; `FencedError` means another owner has the partition. */
  onFailed(error: unknown): void;
}

export interface RuntimeStart {
  readonly claim: PartitionClaim;
  readonly timers: readonly TimerRow[];
  /** First outbox position to use: above any row left from an earlier owner. */
  readonly firstPosition: number;
}

/** What the logs default to when a consumer names no ack wait. */
const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * Runs one actor over one claimed partition. It takes deliveries in (the
 * committer tracks which seqs are in flight and which are redeliveries),
 * queues each on its key (the key scheduler runs keys in parallel, each in
 * order), runs it (the task runner: dedup, decode, decide, evolve, checks) and
 * hands the result to the committer, which commits in micro-batches and only
 * then acknowledges. Timers fire from the timer scheduler into the same queues.
 *
 * Recovery story: everything in memory may be lost at any moment. The committed
 * watermark, each key's last applied seq above it and the journal are the
 * truth: a new runtime re-reads from watermark + 1 and skips what a key already
 * applied.
 */
export class PartitionRuntime {
  readonly #options: RuntimeOptions;
  readonly #program: Program;
  readonly #hooks: RuntimeHooks;
  readonly #claim: PartitionClaim;
  readonly #log: Logger;
  readonly #committer: Committer;
  readonly #keys: KeyScheduler;
  readonly #timers: TimerScheduler;
  /** Origins of inputs applied, committed or in flight (shared with the task runner). */
  readonly #taken: AppliedOrigins;
  /** The upstream partitions' clocks, when the event clock is theirs (`Program.clock`). */
  readonly #marks: UpstreamMarks | undefined;
  readonly #idle: IdleWatch | undefined;
  #stopped = false;
  /** Aborted when the runtime stops at once: per-record work still in flight is cancelled. */
  readonly #abort = new AbortController();
  #failed = false;

  constructor(program: Program, options: RuntimeOptions, start: RuntimeStart, hooks: RuntimeHooks) {
    const { claim } = start;
    this.#options = options;
    this.#program = program;
    this.#hooks = hooks;
    this.#claim = claim;
    this.#log = options.logger ?? silentLogger;
    const upstream = program.clock === 'upstream';
    const marks = (): UpstreamMarks => UpstreamMarks.fromJson(claim.appliedOrigins, claim.eventTimeWatermark);
    this.#marks = upstream ? marks() : undefined;
    const announce = announceOptions(program, options, claim);
    this.#committer = new Committer(
      {
        store: options.store,
        stage: options.stage,
        claim,
        firstPosition: start.firstPosition,
        numbering: { partitionsOf: options.outputPartitions ?? (() => undefined) },
        commitEvery: options.commitEvery ?? 500,
        commitIntervalMs: options.commitIntervalMs ?? 20,
        // One number per batch: the largest any actor asks for (keeping more is harmless).
        keepSnapshots: Math.max(1, ...program.actors.map((def) => def.snapshot?.keep ?? 1)),
        ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
        logger: this.#log,
        ...(announce ? { announce } : {}),
        // A second copy: the committer's follows the watermark, this runtime's the arrivals.
        ...(upstream ? { marks: marks() } : {}),
        ...(options.published ? { published: options.published } : {}),
      },
      {
        committed: (taken, watermark) => {
          this.#keys.committed(taken.unitsByKey);
          const results = taken.results.map((r) => ({ ...r, partition: claim.partition }));
          hooks.onCommitted(
            taken.outbox,
            results,
            watermark,
            taken.batch.eventTimeWatermark ?? claim.eventTimeWatermark,
            { active: this.#keys.size, passivated: this.#keys.passivated },
          );
        },
        failed: (error) => this.#fail(error),
      },
    );
    // The parts call each other; each call below runs once all of them exist.
    this.#timers = new TimerScheduler(
      start.timers,
      {
        actors: program.actors.map((def) => def.name),
        stage: options.stage,
        partition: claim.partition,
        eventClock: claim.eventTimeWatermark,
        allowedLatenessMs: options.allowedLatenessMs ?? 0,
        tickMs: options.timerTickMs ?? 100,
        clock: options.clock ?? Date.now,
      },
      {
        enqueue: (key, firing) => this.#keys.enqueue(key, firing),
        place: (slot, firing, index) => this.#keys.place(slot, firing, index),
        hold: (seq) => this.#committer.hold(seq),
      },
    );
    this.#taken = AppliedOrigins.fromJson(claim.appliedOrigins);
    const runner = new TaskRunner(
      program,
      options,
      claim.partition,
      {
        committer: this.#committer,
        timers: this.#timers,
        taken: this.#taken,
        finished: () => this.#keys.finished(),
        stopped: () => this.#failed,
        signal: this.#abort.signal,
      },
      this.#log,
    );
    const upcasts = program.actors.map((def) => makeUpcaster(def.upcasters, def.eventVersions));
    const loader = programLoader(options.store, program.actors, options.stage, claim.partition);
    this.#keys = new KeyScheduler(options.maxActiveKeys ?? 100_000, {
      initial: (key) => program.actors.map((def) => def.initial(key)),
      load: (key) => loader.load(key),
      recover: (slot, records) =>
        recoverSlot(slot, program.actors, records, upcasts, (call, lastApplied) =>
          this.#isOpen(slot, call, lastApplied),
        ),
      run: (slot, task) => runner.run(slot, task),
      fail: (error) => this.#fail(error),
    });
    // Timers that came due while nobody owned the partition fire first.
    this.#timers.start();
    const idleMs = options.idleTimeoutMs;
    this.#idle =
      announce && idleMs !== undefined
        ? new IdleWatch(idleMs, {
            busy: () => this.#committer.busy,
            idle: () => this.#committer.idle(),
            active: () => this.#committer.active(),
          })
        : undefined;
  }

  get partition(): number {
    return this.#claim.partition;
  }

  /** Highest seq at or below which everything is committed. */
  get committedWatermark(): number {
    return this.#committer.committedWatermark;
  }

  get activeKeys(): number {
    return this.#keys.size;
  }

  /** Hands one delivery to the runtime; never throws. */
  push(delivery: Delivery): void {
    if (this.#stopped) return;
    this.#idle?.touched();
    if (isControl(delivery.envelope)) {
      this.#control(delivery);
      return;
    }
    const read = readEventTime(this.#program, delivery.envelope, this.#timers.eventClock);
    // Under upstream clocks a data record moves nothing: control records do.
    const clock = this.#marks ? this.#timers.eventClock : read.eventTime;
    if (!this.#committer.receive(delivery, clock)) {
      if (hasDefect('no-dedup')) this.#enqueueInput(delivery, read);
      else this.#committer.redelivered(delivery);
      return;
    }
    // Timers this input's event time makes due fire before it, so a key sees them in log order.
    this.#timers.arrived(delivery.envelope.seq, clock);
    this.#enqueueInput(delivery, read);
  }

  /**
   * A watermark control record: taken in here, in log order, never run as a
   * task. It moves the upstream clock (the timers it makes due hold it, as an
   * input's would), counts its origin as applied, and is done at once.
   */
  #control(delivery: Delivery): void {
    const env = delivery.envelope;
    const read = this.#marks ? readControl(env) : undefined;
    const update = read && this.#marks?.fresh(read) ? read : undefined;
    const clock = update && this.#marks ? this.#marks.clockWith(update) : this.#timers.eventClock;
    if (!this.#committer.receive(delivery, clock, update)) {
      this.#committer.redelivered(delivery);
      return;
    }
    if (update) this.#marks?.apply(update);
    this.#timers.arrived(env.seq, clock);
    if (env.origin) this.#taken.add(env.origin.id, env.origin.seq);
    this.#committer.finish(controlUnit(delivery), env.seq, env.origin);
  }

  /** Finishes all accepted work, commits it, and stops. Deliveries that arrive later are left unacked. */
  async drain(): Promise<void> {
    this.#stopped = true;
    this.#timers.stop();
    this.#idle?.stop();
    await this.#keys.idle();
    if (!this.#failed) await this.#committer.drain();
  }

  /** Stops at once, as a crash would: nothing more is committed or acknowledged. */
  abort(): void {
    this.#stopped = true;
    this.#failed = true;
    this.#timers.stop();
    this.#idle?.stop();
    this.#committer.abort();
    this.#keys.stop();
    this.#abort.abort();
  }

  /** A record without a valid key runs under `INVALID_KEY`, in log order, to become a dead letter. */
  #enqueueInput(delivery: Delivery, read: EventTimeRead): void {
    const env = delivery.envelope;
    const clock = this.#timers.eventClock;
    const problem = env.keyProblem ?? keyProblem(env.key);
    const task = {
      kind: 'input' as const,
      delivery,
      clock,
      ...(this.#program.eventTime ? { eventTime: read.eventTime } : {}),
      ...(read.decoded ? { decoded: read.decoded } : {}),
    };
    if (problem === undefined) {
      this.#keys.enqueue(env.key, task);
    } else {
      const keyProblem = `the record's key ${shown(env.key)} is not valid: ${problem}`;
      this.#keys.enqueue(INVALID_KEY, { ...task, keyProblem });
    }
  }

  /** Whether a call that journaled steps is unfinished, so its steps are kept for its re-run. */
  #isOpen(slot: KeySlot, call: string, lastApplied: number): boolean {
    // A key's stored progress may lag its inputs the watermark covers (see CommitBuffer).
    const seq = seqOf(call);
    if (seq !== undefined) return seq > Math.max(lastApplied, this.#committer.committedWatermark);
    // A firing is unfinished while its own setting is live; a later setting of the name is another firing.
    const timer = timerSerialOf(call);
    return timer !== undefined && this.#timers.hasLive(slot.key, timer.serial);
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    const where = { stage: this.#options.stage, partition: this.#claim.partition };
    if (error instanceof FencedError) {
      this.#log.warn(where, 'fenced: another owner took the partition');
    } else {
      this.#log.error(
        { ...where, error: String(error) },
        'partition runtime failed; it restarts from the committed state',
      );
    }
    this.abort();
    this.#hooks.onFailed(error);
  }
}
