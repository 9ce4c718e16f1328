import type { Registry } from 'prom-client';

/**
 * One set of metrics per registry: prom-client refuses a metric name
 * registered twice, and every stage (or lookup) on a registry shares its
 * metrics, told apart by labels.
 *
 * @example
 * ```ts
 * static of = perRegistry((registry) => new LookupMetrics(registry));
 * ```
 */
export function perRegistry<M>(create: (registry: Registry) => M): (registry: Registry) => M {
  const byRegistry = new WeakMap<Registry, M>();
  return (registry) => {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = create(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  };
}
