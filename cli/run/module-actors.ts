import { hostname } from 'node:os';
import { type Pipeline, type PipelineActor, silentLogger } from 'eddy';
import { Registry } from 'prom-client';
import { CliError } from '../cli-errors.ts';
import { EXIT } from '../exit-codes.ts';
import { loadPipelinesModule } from './load-module.ts';
import { loadServiceConfig } from './service-config.ts';
import { openServiceRuntime, type ServiceRuntime } from './service-runtime.ts';

interface ModuleArgs {
  readonly module: string;
  readonly config: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly tool: string;
}

/**
 * For the tools that read what a module's pipelines left (inspect, replay):
 * its config, its runtime, and the pipelines the module builds (built, never
 * started: nothing runs, nothing is written). The caller closes the runtime.
 */
export async function openModule(
  o: ModuleArgs,
): Promise<{ readonly runtime: ServiceRuntime; readonly pipelines: readonly Pipeline<unknown>[] }> {
  const config = await loadServiceConfig(o.config, o.env);
  const loaded = await loadPipelinesModule(o.module);
  const runtime = await openServiceRuntime(config);
  try {
    const pipelines = await loaded.create({
      log: runtime.log,
      store: runtime.store,
      logger: silentLogger,
      metrics: new Registry(),
      owner: `${o.tool}-${hostname()}-${process.pid}`,
      settings: config.settings,
      env: o.env,
    });
    return { runtime, pipelines };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/** The actor of that name among the module's pipelines, with the pipeline it runs in. */
export async function moduleActor(o: ModuleArgs & { readonly actor: string }): Promise<{
  readonly runtime: ServiceRuntime;
  readonly found: PipelineActor;
  readonly pipeline: Pipeline<unknown>;
}> {
  const { runtime, pipelines } = await openModule(o);
  for (const pipeline of pipelines) {
    const found = pipeline.actors.find((a) => a.actor.name === o.actor);
    if (found) return { runtime, found, pipeline };
  }
  await runtime.close();
  const actors = pipelines.flatMap((p) => p.actors.map((a) => a.actor.name));
  throw new CliError(
    `no actor "${o.actor}" in ${o.module}; its actors: ${actors.join(', ') || 'none'}`,
    EXIT.noSuchRequest,
  );
}
