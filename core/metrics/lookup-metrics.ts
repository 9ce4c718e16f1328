import { Counter, Histogram, type Registry } from 'prom-client';
import { perRegistry } from './per-registry.ts';

/**
 * The Prometheus metrics of `lookupJoin`, registered once per registry (a
 * `table` label tells the joins apart).
 */
export class LookupMetrics {
  readonly hits: Counter<'table'>;
  readonly misses: Counter<'table'>;
  readonly loads: Counter<'table' | 'outcome'>;
  readonly loadSeconds: Histogram<'table'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.hits = new Counter({
      name: 'eddy_lookup_cache_hits_total',
      help: 'Lookups answered from the cache (negative entries included).',
      labelNames: ['table'],
      registers,
    });
    this.misses = new Counter({
      name: 'eddy_lookup_cache_misses_total',
      help: 'Lookups that went to the table.',
      labelNames: ['table'],
      registers,
    });
    this.loads = new Counter({
      name: 'eddy_lookup_loads_total',
      help: 'Queries to the table (one per batch of keys, or per full reload), by outcome (ok, failed).',
      labelNames: ['table', 'outcome'],
      registers,
    });
    this.loadSeconds = new Histogram({
      name: 'eddy_lookup_load_seconds',
      help: 'Duration of one query to the table.',
      labelNames: ['table'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
  }

  /** The metrics registered on `registry`, made the first time. */
  static readonly of = perRegistry((registry) => new LookupMetrics(registry));
}
