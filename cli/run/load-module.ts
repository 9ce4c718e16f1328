import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPipelinesModule, type PipelinesModule } from 'eddy';
import { configError } from '../cli-errors.ts';

/** The `definePipelines` module a path exports as its default, or a configuration error saying what is wrong. */
export async function loadPipelinesModule(path: string): Promise<PipelinesModule> {
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(resolve(path)).href)) as { default?: unknown }).default;
  } catch (error) {
    throw configError(`cannot load ${path}: ${(error as Error).message}`);
  }
  if (!isPipelinesModule(exported))
    throw configError(
      `${path} must export default definePipelines({ topics }, (ctx) => [pipeline(...)]) (from 'eddy')`,
    );
  return exported;
}
