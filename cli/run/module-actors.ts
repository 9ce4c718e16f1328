import { hostname } from 'node:os';
import { type PipelineActor, silentLogger } from 'eddy';
import { Registry } from 'prom-client';
import { CliError } from '../cli-errors.ts';
import { EXIT } from '../exit-codes.ts';
import { loadPipelinesModule } from './load-module.ts';
import { loadServiceConfig } from './service-config.ts';
import { openServiceRuntime, type ServiceRuntime } from './service-runtime.ts';

/**
 * For the tools that read what a module's pipelines left (inspect, replay):
 * its config, its runtime, and the actor of that name, from the pipelines
 * the module builds (built, never started: nothing runs, nothing is written).
 */
export async function moduleActor(o: {
  readonly module: string;
  readonly actor: string;
  readonly config: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly tool: string;
}): Promise<{ readonly runtime: ServiceRuntime; readonly found: PipelineActor }> {
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
    const actors = pipelines.flatMap((p) => p.actors);
    const found = actors.find((a) => a.actor.name === o.actor);
    if (!found)
      throw new CliError(
        `no actor "${o.actor}" in ${o.module}; its actors: ${actors.map((a) => a.actor.name).join(', ') || 'none'}`,
        EXIT.noSuchRequest,
      );
    return { runtime, found };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
