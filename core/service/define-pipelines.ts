import type { Registry } from 'prom-client';
import type { Log, TopicConfig } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

/** What a service needs of a pipeline, whatever it hands out: every `Pipeline<T>` is one. */
export type RunnablePipeline = Pick<
  Pipeline<never>,
  'name' | 'start' | 'stop' | 'partitions' | 'watermarks' | 'subjects' | 'actors'
>;

import type { Store } from '../store/store.ts';

/** What `eddy run` hands a module's factory: everything a pipeline's config needs, made once for the process. */
export interface ServiceContext {
  readonly log: Log;
  readonly store: Store;
  /** JSON logs (pino) with secrets scrubbed; give it to `pipeline({ logger })`. */
  readonly logger: Logger;
  /** The registry `/metrics` serves; give it to `pipeline({ metrics })` and to `predict`, `lookupJoin`, … */
  readonly metrics: Registry;
  /** This process among the instances sharing the partitions: `pipeline({ owner })`. */
  readonly owner: string;
  /** The `settings` section of the config file, as written (check it with zod). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A module `eddy run` can run: its topics and a factory of its pipelines. */
export interface PipelinesModule {
  readonly kind: 'eddy.pipelines';
  /** Created (idempotently) before the pipelines start: the input subjects, perhaps from the settings. */
  readonly topics:
    | readonly TopicConfig[]
    | ((settings: ServiceContext['settings']) => readonly TopicConfig[]);
  readonly create: (
    ctx: ServiceContext,
  ) => readonly Pipeline<unknown>[] | Promise<readonly Pipeline<unknown>[]>;
}

/**
 * What a module exports as its default for `eddy run <module>`: the
 * pipelines it runs, built from the runner's log, store, logger, metrics and
 * instance name. Several processes running the same module share the
 * partitions through their leases.
 *
 * @example
 * ```ts
 * export default definePipelines({ topics: [{ subject: 'orders', partitions: 8 }] }, (ctx) => [
 *   pipeline({ name: 'totals', log: ctx.log, store: ctx.store, logger: ctx.logger, metrics: ctx.metrics, owner: ctx.owner },
 *     from('orders', Order).pipe(actor(totals), to('totals'))),
 * ]);
 * ```
 */
export function definePipelines(
  options: { readonly topics?: PipelinesModule['topics'] },
  create: PipelinesModule['create'],
): PipelinesModule {
  return { kind: 'eddy.pipelines', topics: options.topics ?? [], create };
}

/** Whether a module's default export is one `definePipelines` made. */
export function isPipelinesModule(value: unknown): value is PipelinesModule {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'eddy.pipelines' &&
    typeof (value as { create?: unknown }).create === 'function'
  );
}
