import { FencedError } from '../errors/fenced-error.ts';
import type { CommitBatch, Store } from '../store/store.ts';
import type { StageMetrics } from './stage-metrics.ts';

/**
 * A Store that times and counts commits for the stage metrics; every other
 * call goes straight through.
 */
export function meteredStore(store: Store, metrics: StageMetrics): Store {
  const commit = async (batch: CommitBatch): Promise<void> => {
    const stop = metrics.commitSeconds.startTimer({ stage: batch.stage });
    const labels = { stage: batch.stage, partition: String(batch.partition) };
    try {
      await store.commit(batch);
    } catch (error) {
      metrics.commits.inc({ ...labels, outcome: error instanceof FencedError ? 'fenced' : 'failed' });
      throw error;
    } finally {
      stop();
    }
    metrics.commits.inc({ ...labels, outcome: 'ok' });
    metrics.journalEvents.inc({ stage: batch.stage }, batch.events.length);
    metrics.snapshots.inc({ stage: batch.stage }, batch.snapshots.length);
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') return commit;
      // The target as receiver: getters of classes with private fields must see the real instance.
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
