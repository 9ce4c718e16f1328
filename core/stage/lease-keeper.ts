import type { Logger } from '../logger.ts';
import type { HeldLease, PartitionClaim, Store } from '../store/store.ts';
import { fairShare } from './fair-share.ts';

/** What the keeper asks of the stage whose partitions it keeps. */
export interface LeaseHost {
  /** Partitions running (or draining), with the epochs they run under. */
  held(): readonly HeldLease[];
  /** Runs a partition just acquired. */
  start(claim: PartitionClaim): void;
  /** The lease is gone (another owner has the partition): stop it at once; its commits would fail anyway. */
  lose(partition: number): void;
  /** Finish accepted work, commit and stop the partition, so its lease can be handed over. */
  drain(partition: number): Promise<void>;
}

export interface LeaseKeeperOptions {
  readonly store: Store;
  readonly stage: string;
  readonly owner: string;
  /** Partitions of the input topic. */
  readonly partitions: number;
  readonly leaseMs: number;
  /** How often leases are renewed and the share rebalanced; well under `leaseMs`. */
  readonly renewEveryMs: number;
  readonly logger: Logger;
}

/**
 * Keeps a stage instance's share of its partitions through leases in the
 * Store: on every tick it heartbeats its membership, renews the leases it
 * holds (a partition whose renewal fails is stopped at once), then moves
 * toward its fair share: it drains and releases partitions above it, and
 * acquires free or run-out ones below it. Every instance computes the shares
 * from the same sorted member list, so they converge to within one partition
 * of even, and a dead instance's partitions move once its leases run out.
 */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  readonly #host: LeaseHost;
  readonly #draining = new Map<number, Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #tick: Promise<void> = Promise.resolve();
  #stopped = true;

  constructor(options: LeaseKeeperOptions, host: LeaseHost) {
    this.#o = options;
    this.#host = host;
  }

  /** Joins and takes a first share; resolves after the first tick. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#tick = this.#run();
    await this.#tick;
  }

  /** Stops renewing. The caller drains its partitions, then calls `leave`. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tick;
    await Promise.all(this.#draining.values());
  }

  /** Releases the drained partitions' leases and leaves the membership, so others take over at once. */
  async leave(drained: readonly HeldLease[]): Promise<void> {
    const { store, stage, owner } = this.#o;
    await Promise.all(drained.map((lease) => store.release(stage, lease)));
    await store.members(stage, owner, 0);
  }

  async #run(): Promise<void> {
    try {
      await this.#balance();
    } catch (error) {
      // The database may be restarting: keep the partitions running; a lease that
      // runs out meanwhile fences their commits, and the next tick sorts it out.
      this.#o.logger.warn({ stage: this.#o.stage, error: String(error) }, 'lease renewal failed; retrying');
    }
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#run();
    }, this.#o.renewEveryMs);
  }

  async #balance(): Promise<void> {
    const { store, stage, owner, leaseMs, partitions, logger } = this.#o;
    const members = await store.members(stage, owner, leaseMs);
    const held = this.#host.held();
    const renewed = new Set(await store.renew(stage, owner, held, leaseMs));
    for (const lease of held) {
      if (renewed.has(lease.partition)) continue;
      logger.warn({ stage, partition: lease.partition, epoch: lease.epoch }, 'lease lost; partition stopped');
      this.#host.lose(lease.partition);
    }
    if (this.#stopped) return;
    const kept = held.filter((l) => renewed.has(l.partition) && !this.#draining.has(l.partition));
    const target = fairShare(partitions, members, owner);
    if (kept.length > target) {
      // Hand over the highest partitions: the others then tend to keep the same ones.
      for (const lease of [...kept]
        .sort((a, b) => b.partition - a.partition)
        .slice(0, kept.length - target)) {
        this.#handOver(lease);
      }
      return;
    }
    const mine = new Set(held.map((l) => l.partition));
    let missing = target - kept.length;
    // Start where this member's share would begin, so instances try different partitions first.
    const first = Math.floor((members.indexOf(owner) * partitions) / Math.max(1, members.length));
    for (let i = 0; i < partitions && missing > 0 && !this.#stopped; i++) {
      const partition = (first + i) % partitions;
      if (mine.has(partition)) continue;
      const claim = await store.acquire(stage, partition, owner, leaseMs);
      if (!claim || this.#stopped) continue;
      logger.info({ stage, partition, epoch: claim.epoch, members: members.length }, 'partition leased');
      this.#host.start(claim);
      missing--;
    }
  }

  #handOver(lease: HeldLease): void {
    const { store, stage, logger } = this.#o;
    logger.info({ stage, partition: lease.partition }, 'partition over fair share; draining to hand it over');
    const handOver = this.#host
      .drain(lease.partition)
      .then(() => store.release(stage, lease))
      .catch((error: unknown) => logger.warn({ stage, error: String(error) }, 'hand-over failed'))
      .finally(() => this.#draining.delete(lease.partition));
    this.#draining.set(lease.partition, handOver);
  }
}
