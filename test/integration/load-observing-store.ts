import { MemoryStore } from '../../core/store/memory-store.ts';
import type { ActorRecord } from '../../core/store/store.ts';

/** The real MemoryStore, observed: every key it loaded and what it gave, one by one or in a batch. */
export class LoadObservingStore extends MemoryStore {
  readonly loads: { key: string; record: ActorRecord }[] = [];

  /** The keys loaded, in order. */
  get loadedKeys(): string[] {
    return this.loads.map((l) => l.key);
  }

  override async load(actor: string, key: string, stage: string, partition: number): Promise<ActorRecord> {
    const record = await super.load(actor, key, stage, partition);
    this.loads.push({ key, record });
    return record;
  }

  // How a partition loads its keys: in batches.
  override async loadMany(
    actor: string,
    keys: readonly string[],
    stage: string,
    partition: number,
  ): Promise<readonly ActorRecord[]> {
    const records = await super.loadMany(actor, keys, stage, partition);
    for (const [i, key] of keys.entries()) this.loads.push({ key, record: records[i] as ActorRecord });
    return records;
  }
}
