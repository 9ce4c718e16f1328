import { hasDefect } from '../defects.ts';
import type { Origin } from '../envelope.ts';
import type { Delivery } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import type { Unit } from '../runtime/unit.ts';
import type { PartitionClaim, Store } from '../store/store.ts';
import { inSpan } from '../telemetry/tracer.ts';
import { Announcer, type AnnouncerOptions } from './announcer.ts';
import { CommitBuffer, type OriginNumbering, type TakenBatch } from './commit-buffer.ts';
import { InProgressSignals } from './in-progress-signals.ts';
import type { PublishedOutbox } from './published-outbox.ts';
import type { UpstreamMarks } from './upstream-marks.ts';
import type { ControlUpdate } from './watermark-control.ts';
import { WatermarkTracker } from './watermark-tracker.ts';

export interface CommitterOptions {
  readonly store: Store;
  readonly stage: string;
  readonly claim: PartitionClaim;
  /** First outbox position to use: above any row left from an earlier owner. */
  readonly firstPosition: number;
  readonly numbering: Omit<OriginNumbering, 'sequences' | 'applied'>;
  /** Commit once this many units wait... */
  readonly commitEvery: number;
  /** ...or this long after the first one. */
  readonly commitIntervalMs: number;
  readonly keepSnapshots: number;
  readonly ackWaitMs: number;
  readonly logger: Logger;
  /** Announces the partition's event time to the subjects downstream (see `Announcer`). */
  readonly announce?: AnnouncerOptions;
  /** The upstream marks as committed, for a partition whose clock is theirs (see `UpstreamMarks`). */
  readonly marks?: UpstreamMarks;
  /** Published outbox rows: each commit deletes those waiting (see `PublishedOutbox`). */
  readonly published?: PublishedOutbox;
}

export interface CommitterHooks {
  /** A commit is done: what it covered (its outbox rows in publish order, its units per key, its results). */
  committed(taken: TakenBatch, watermark: number): void;
  /** A commit failed: the partition must stop; nothing more is committed. */
  failed(error: unknown): void;
}

/**
 * Steps 3 and 4 of the protocol for one claimed partition: it tracks which
 * inputs are done (the watermark), collects the finished units, commits them
 * in micro-batches (every `commitEvery` units or `commitIntervalMs`), and only
 * after a commit acknowledges the inputs it covers (redeliveries of inputs not
 * yet committed wait for it). Deliveries held longer than half the ack wait
 * are told they are still in progress.
 *
 * @example
 * const committer = new Committer(options, { committed: publish, failed: stop });
 * if (committer.receive(delivery)) run(delivery); // once it ran: committer.finish(unit, seq, origin)
 */
export class Committer {
  readonly #o: CommitterOptions;
  readonly #hooks: CommitterHooks;
  readonly #tracker: WatermarkTracker;
  readonly #buffer: CommitBuffer;
  readonly #signals: InProgressSignals;
  /** Redeliveries of inputs above the committed watermark: acknowledged once a commit covers them. */
  readonly #heldAcks = new Map<number, Delivery[]>();
  #committed: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #committing: Promise<void> | undefined;
  #flushWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #stopped = false;
  #draining = false;
  readonly #announcer: Announcer | undefined;

  constructor(options: CommitterOptions, hooks: CommitterHooks) {
    this.#o = options;
    this.#hooks = hooks;
    const { claim } = options;
    this.#tracker = new WatermarkTracker(claim.watermark, claim.eventTimeWatermark, options.marks);
    this.#announcer = options.announce && new Announcer(options.announce, () => this.#schedule());
    this.#committed = claim.watermark;
    this.#buffer = new CommitBuffer(options.stage, claim.partition, options.firstPosition, {
      ...options.numbering,
      sequences: claim.originSequences,
      applied: claim.appliedOrigins,
    });
    this.#signals = new InProgressSignals(options.ackWaitMs, options.logger);
  }

  /** Highest seq at or below which everything is committed. */
  get committedWatermark(): number {
    return this.#committed;
  }

  /**
   * Takes a delivery in: true when it is new (its seq is now in flight), false
   * when its seq was seen already (a redelivery; see `redelivered`).
   */
  receive(delivery: Delivery, eventTime = delivery.envelope.eventTime, update?: ControlUpdate): boolean {
    this.#signals.hold(delivery);
    const env = delivery.envelope;
    if (env.seq <= this.#tracker.maxSeen) return false;
    this.#tracker.arrive(env.seq, eventTime, update);
    return true;
  }

  /** Inputs in flight or work not yet committed. */
  get busy(): boolean {
    return this.#tracker.inFlight > 0 || this.#buffer.size > 0 || this.#committing !== undefined;
  }

  /** The partition has had no input for a while: the next commit tells the subjects downstream. */
  idle(): void {
    this.#announcer?.idle();
  }

  /** Input came again after `idle`: what is owed is its clock, once it moves. */
  active(): void {
    this.#announcer?.active();
  }

  /** A redelivery is acknowledged once a commit covers its seq: it was applied, or will be. */
  redelivered(delivery: Delivery): void {
    const seq = delivery.envelope.seq;
    if (seq <= this.#committed) {
      this.#ack([delivery]);
      return;
    }
    const held = this.#heldAcks.get(seq);
    if (held) held.push(delivery);
    else this.#heldAcks.set(seq, [delivery]);
  }

  /** The input `seq` is not done until a matching `done` (a timer firing it made due holds it). */
  hold(seq: number): void {
    this.#tracker.hold(seq);
  }

  /**
   * A task ended: its unit (if it writes anything) joins the next commit, the
   * input seq it finishes (or one hold of it) is done, and `origin`, the
   * upstream origin of its input, counts as applied.
   */
  finish(unit: Unit | undefined, doneSeq: number | undefined, origin: Origin | undefined): void {
    if (unit && origin) this.#buffer.applied(origin);
    if (unit) this.#buffer.add(unit);
    if (doneSeq !== undefined) this.#tracker.done(doneSeq);
    if (hasDefect('drop-done-early') && doneSeq !== undefined && writesNothing(unit))
      this.#commitAhead(doneSeq);
    this.#schedule();
  }

  /** The `drop-done-early` defect: the watermark committed at a dropped input, whatever is ahead of it. */
  #commitAhead(seq: number): void {
    const { stage, claim } = this.#o;
    const batch = { stage, partition: claim.partition, epoch: claim.epoch, events: [], snapshots: [] };
    void this.#o.store
      .commit({
        ...batch,
        keepSnapshots: 1,
        outbox: [],
        progress: [],
        timersSet: [],
        timersDeleted: [],
        watermark: seq,
      })
      .catch(() => {});
  }

  /** A unit that does not finish a task (steps journaled mid-task); see `flush`. */
  add(unit: Unit): void {
    this.#buffer.add(unit);
  }

  /** Resolves once everything added so far is committed (steps are journaled before they are used). */
  flush(): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('runtime aborted'));
    return new Promise<void>((resolve, reject) => {
      this.#flushWaiters.push({ resolve, reject });
      void this.#commitNow();
    });
  }

  /** Commits whatever is left, then stops. */
  async drain(): Promise<void> {
    // The last clock goes out whatever the interval: the next owner may be a while.
    this.#draining = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (!this.#stopped && (this.#buffer.size > 0 || this.#committing || this.#pending())) {
      await this.#commitNow();
    }
    // Held until now: a drain can wait on slow work longer than the ack wait.
    this.#signals.stop();
    this.#announcer?.stop();
  }

  /** Stops at once, as a crash would: nothing more is committed or acknowledged. */
  abort(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signals.stop();
    this.#announcer?.stop();
    for (const w of this.#flushWaiters) w.reject(new Error('runtime aborted'));
    this.#flushWaiters = [];
  }

  /** The watermark moved past what is committed: a commit would move it, even with nothing buffered. */
  #pending(): boolean {
    return (
      this.#tracker.watermark > this.#committed ||
      (this.#announcer?.due(this.#tracker.eventTimeWatermark, this.#draining) ?? false)
    );
  }

  #schedule(): void {
    // A commit under way looks at the buffer again when it ends: one waiter, not one per task
    // that finished meanwhile (thousands, when tasks finish synchronously).
    if (this.#stopped || this.#committing !== undefined) return;
    if (this.#buffer.size >= this.#o.commitEvery) {
      void this.#commitNow();
    } else if (this.#timer === undefined && (this.#buffer.size > 0 || this.#pending())) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#commitNow();
      }, this.#o.commitIntervalMs);
    } else {
      this.#announcer?.later(this.#tracker.eventTimeWatermark);
    }
  }

  /** Commits what is buffered; if a commit is under way, runs again once it ends. */
  async #commitNow(): Promise<void> {
    // Several callers may wait here; each re-checks once the commit ahead of it ends.
    while (this.#committing !== undefined) await this.#committing;
    if (this.#stopped) return;
    if (this.#buffer.size === 0 && !this.#pending()) return;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#committing = this.#commitOnce().finally(() => {
      this.#committing = undefined;
    });
    await this.#committing;
    if (this.#buffer.size >= this.#o.commitEvery || this.#flushWaiters.length > 0) return this.#commitNow();
    this.#schedule();
  }

  async #commitOnce(): Promise<void> {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    const mark = this.#tracker.eventTimeWatermark;
    const announcer = this.#announcer;
    const taken = this.#buffer.take(
      this.#o.claim.epoch,
      this.#o.keepSnapshots,
      this.#tracker.watermark,
      mark,
      {
        drafts: announcer?.due(mark, this.#draining) ? announcer.take(mark) : [],
        marks: this.#tracker.marks,
        ...(this.#o.published ? { outboxDeleted: this.#o.published.take() } : {}),
      },
    );
    try {
      await inSpan(
        'eddy.commit',
        {
          'eddy.stage': this.#o.stage,
          'eddy.partition': this.#o.claim.partition,
          'eddy.commit.events': taken.batch.events.length,
          'eddy.commit.outputs': taken.outbox.length,
          'eddy.commit.inputs': taken.deliveries.length,
        },
        () => this.#o.store.commit(taken.batch),
      );
    } catch (error) {
      for (const w of waiters) w.reject(error);
      this.abort();
      this.#hooks.failed(error);
      return;
    }
    if (this.#stopped) return;
    this.#committed = taken.batch.watermark ?? this.#committed;
    for (const w of waiters) w.resolve();
    this.#hooks.committed(taken, this.#committed);
    this.#ack(taken.deliveries);
    for (const [seq, held] of this.#heldAcks) {
      if (seq > this.#committed) continue;
      this.#heldAcks.delete(seq);
      this.#ack(held);
    }
  }

  #ack(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) {
      this.#signals.release(d);
      d.ack().catch((error: unknown) => {
        // A lost ack only means a redelivery, which the dedup skips.
        this.#o.logger.debug({ seq: d.envelope.seq, error: String(error) }, 'ack failed');
      });
    }
  }
}

function writesNothing(unit: Unit | undefined): boolean {
  return (
    unit === undefined ||
    (unit.events.length === 0 && unit.outputs.length === 0 && unit.timersSet.length === 0)
  );
}
