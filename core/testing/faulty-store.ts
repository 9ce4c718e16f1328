import type { CommitBatch, Store } from '../index.ts';
import type { Fault } from './faults.ts';
import { SimulatedCrash } from './simulated-crash.ts';

/**
 * A Store that fails where the schedule says: before or after a commit, or
 * after a publish (on the outbox delete). Other faults are reported through
 * `onCommitted` so the harness can restart or kill the instance.
 */
export class FaultyStore implements Store {
  readonly #inner: Store;
  readonly #faults: readonly Fault[];
  readonly #onCommitted: (commit: number) => void;
  #commits = 0;
  #deletes = 0;
  #crashes = 0;

  /** How many crashes this store injected. */
  get crashes(): number {
    return this.#crashes;
  }

  constructor(inner: Store, faults: readonly Fault[], onCommitted: (commit: number) => void) {
    this.#inner = inner;
    this.#faults = faults;
    this.#onCommitted = onCommitted;
  }

  async commit(batch: CommitBatch): Promise<void> {
    const n = ++this.#commits;
    if (this.#faults.some((f) => f.kind === 'crash-before-commit' && f.commit === n)) {
      this.#crashes++;
      throw new SimulatedCrash(`crash before commit ${n}`);
    }
    await this.#inner.commit(batch);
    this.#onCommitted(n);
    if (this.#faults.some((f) => f.kind === 'crash-after-commit' && f.commit === n)) {
      this.#crashes++;
      throw new SimulatedCrash(`crash after commit ${n}`);
    }
  }

  async deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void> {
    const n = ++this.#deletes;
    if (this.#faults.some((f) => f.kind === 'crash-after-publish' && f.delete === n)) {
      this.#crashes++;
      throw new SimulatedCrash(`crash after publish, before outbox delete ${n}`);
    }
    await this.#inner.deleteOutbox(stage, partition, msgIds);
  }

  migrate: Store['migrate'] = () => this.#inner.migrate();
  claim: Store['claim'] = (stage, partition, owner) => this.#inner.claim(stage, partition, owner);
  acquire: Store['acquire'] = (stage, partition, owner, leaseMs) =>
    this.#inner.acquire(stage, partition, owner, leaseMs);
  renew: Store['renew'] = (stage, owner, leases, leaseMs) => this.#inner.renew(stage, owner, leases, leaseMs);
  release: Store['release'] = (stage, lease) => this.#inner.release(stage, lease);
  members: Store['members'] = (stage, owner, leaseMs) => this.#inner.members(stage, owner, leaseMs);
  load: Store['load'] = (actor, key, stage, partition) => this.#inner.load(actor, key, stage, partition);
  loadMany: Store['loadMany'] = (actor, keys, stage, partition) =>
    this.#inner.loadMany(actor, keys, stage, partition);
  journal: Store['journal'] = (actor, key, fromVersion) => this.#inner.journal(actor, key, fromVersion);
  snapshots: Store['snapshots'] = (actor, key) => this.#inner.snapshots(actor, key);
  keys: Store['keys'] = (actor) => this.#inner.keys(actor);
  outbox: Store['outbox'] = (stage, partition) => this.#inner.outbox(stage, partition);
  timers: Store['timers'] = (stage, partition) => this.#inner.timers(stage, partition);
  close: Store['close'] = () => this.#inner.close();
}
