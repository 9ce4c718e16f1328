import type { ActorRecord, Json } from '../store/store.ts';
import { isIdle, type KeySlot, newSlot, nextTask, queueFiring, type Task } from './key-slot.ts';

/** What the scheduler needs of the partition runtime. */
export interface KeyHost {
  /** The initial states of a new key's actors, by index. */
  initial(key: string): readonly Json[];
  /** Each actor's record of the key, by index (batched with other keys' by a `KeyLoader`). */
  load(key: string): Promise<readonly ActorRecord[]>;
  /** Rebuilds a loaded key's actors (snapshot, journal tail) and progress. */
  recover(slot: KeySlot, records: readonly ActorRecord[]): void;
  /** Runs a task; returns a promise only when the actors' code is asynchronous. */
  run(slot: KeySlot, task: Task): Promise<void> | undefined;
  fail(error: unknown): void;
}

/**
 * Step 2 of the protocol: keys run in parallel, each key strictly in order.
 * Keys are loaded on first use (in batches: see `KeyLoader`) and passivated,
 * least recently used first, once more than `maxActiveKeys` are in memory and
 * a key is idle with nothing uncommitted.
 */
export class KeyScheduler {
  readonly #host: KeyHost;
  readonly #maxActiveKeys: number;
  /** In LRU order: a key touched moves to the end. */
  readonly #slots = new Map<string, KeySlot>();
  #busy = 0;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  #passivated = 0;

  constructor(maxActiveKeys: number, host: KeyHost) {
    this.#maxActiveKeys = maxActiveKeys;
    this.#host = host;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Keys let go of so far to stay under `maxActiveKeys` (loaded again from the store when they get input). */
  get passivated(): number {
    return this.#passivated;
  }

  get(key: string): KeySlot | undefined {
    return this.#slots.get(key);
  }

  /** Queues a task on its key, loading the key first if it is not in memory. */
  enqueue(key: string, task: Task): void {
    let slot = this.#slots.get(key);
    if (slot) {
      this.#slots.delete(key);
      this.#slots.set(key, slot);
    } else {
      slot = newSlot(key, this.#host.initial(key));
      this.#slots.set(key, slot);
      this.#load(slot);
    }
    this.#busy++;
    if (task.kind === 'timer' && task.timerKind === 'event') queueFiring(slot, task);
    else slot.queue.push(task);
    if (slot.loaded && !slot.running) this.#pump(slot);
  }

  /** Queues an event-time firing at `index` of a key's queue, where the log order puts it. */
  place(slot: KeySlot, firing: Extract<Task, { kind: 'timer' }>, index?: number): void {
    this.#busy++;
    queueFiring(slot, firing, index);
  }

  /** One queued task ended. */
  finished(): void {
    this.#busy--;
    if (this.#busy > 0) return;
    for (const w of this.#idleWaiters) w();
    this.#idleWaiters = [];
  }

  /** Resolves once no task is queued or running (or the scheduler stopped). */
  async idle(): Promise<void> {
    while (this.#busy > 0 && !this.#stopped) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
  }

  /** A commit covered `n` units of each key: they no longer keep the key in memory. */
  committed(unitsByKey: ReadonlyMap<string, number>): void {
    for (const [key, n] of unitsByKey) {
      const slot = this.#slots.get(key);
      if (slot) slot.uncommitted -= n;
    }
    this.#passivate();
  }

  stop(): void {
    this.#stopped = true;
    for (const w of this.#idleWaiters) w();
    this.#idleWaiters = [];
  }

  #load(slot: KeySlot): void {
    slot.running = true;
    (this.#stopped ? Promise.resolve(undefined) : this.#host.load(slot.key))
      .then((record) => {
        if (this.#stopped || record === undefined) return;
        this.#host.recover(slot, record);
        slot.running = false;
        this.#pump(slot);
      })
      // Recovery throws too (a missing upcaster, an evolve that fails on old events): fail loudly, never wedge.
      .catch((error: unknown) => this.#host.fail(error));
  }

  #pump(slot: KeySlot): void {
    while (!slot.running && !this.#stopped) {
      const task = nextTask(slot);
      if (!task) return;
      let pending: Promise<void> | undefined;
      try {
        pending = this.#host.run(slot, task);
      } catch (error) {
        this.#host.fail(error);
        return;
      }
      if (pending) {
        slot.running = true;
        pending.then(
          () => {
            slot.running = false;
            this.#pump(slot);
          },
          (error: unknown) => this.#host.fail(error),
        );
        return;
      }
    }
  }

  #passivate(): void {
    let excess = this.#slots.size - this.#maxActiveKeys;
    if (excess <= 0) return;
    for (const [key, slot] of this.#slots) {
      if (excess <= 0) break;
      if (!isIdle(slot)) continue;
      this.#slots.delete(key);
      this.#passivated++;
      excess--;
    }
  }
}
