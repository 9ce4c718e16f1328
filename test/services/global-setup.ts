import type { TestProject } from 'vitest/node';
import type {} from './provided-context.ts';
import { sweepStaleServiceDirs } from './service-dir.ts';
import { startTestServices } from './test-services.ts';

/**
 * Vitest globalSetup: once per run, gets NATS and PostgreSQL (the environment's
 * or private ones), provides their URLs as `natsUrl` and `databaseUrl`, and
 * returns the teardown that stops what it started.
 *
 * @example
 * // in a test file
 * const nc = await connect({ servers: inject('natsUrl') });
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  sweepStaleServiceDirs();
  const services = await startTestServices();
  console.log(`test services:\n  ${services.description.replaceAll('\n', '\n  ')}`);
  project.provide('natsUrl', services.natsUrl);
  project.provide('databaseUrl', services.databaseUrl);
  return () => services.stop();
}
