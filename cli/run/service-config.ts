import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configError } from '../cli-errors.ts';

/** `eddy.config.{ts,json,yaml}`: every setting of `eddy run`, with its default. Env wins over the file. */
export const ServiceConfig = z.strictObject({
  /** This instance's name among those sharing the partitions (default: host and pid). */
  instance: z.string().min(1).optional(),
  http: z
    .strictObject({
      port: z.int().min(0).max(65_535).default(9464),
      host: z.string().min(1).default('0.0.0.0'),
    })
    .prefault({}),
  /** How long a drain (SIGTERM, SIGINT) may take before the process exits anyway. */
  drainTimeoutMs: z.int().positive().default(30_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** NATS JetStream (`NATS_URL` wins); without it and `database`, the embedded log and PGlite. */
  nats: z.strictObject({ url: z.string().min(1) }).optional(),
  database: z.strictObject({ url: z.string().min(1) }).optional(),
  /** Free-form settings for the module (`ctx.settings`). */
  settings: z.record(z.string(), z.unknown()).default({}),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

const DEFAULT_FILES = ['eddy.config.ts', 'eddy.config.json', 'eddy.config.yaml', 'eddy.config.yml'];

/**
 * The configuration: the file named (or the first `eddy.config.*` in the
 * working directory, or none), checked by zod with errors that name the
 * field, then the environment on top (`NATS_URL`, `DATABASE_URL`,
 * `EDDY_HTTP_PORT`, `EDDY_INSTANCE`, `LOG_LEVEL`).
 */
export async function loadServiceConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): Promise<ServiceConfig> {
  const path = file ?? DEFAULT_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  const raw = path === undefined ? {} : await readConfig(resolve(cwd, path));
  const withEnv = overlay(raw, env);
  const parsed = ServiceConfig.safeParse(withEnv);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw configError(`${path ?? 'the environment'} is not a valid eddy config: ${problems.join('; ')}`);
  }
  return parsed.data;
}

async function readConfig(path: string): Promise<unknown> {
  if (!existsSync(path)) throw configError(`no config file at ${path}`);
  try {
    if (path.endsWith('.ts') || path.endsWith('.js') || path.endsWith('.mjs')) {
      const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
      return module.default;
    }
    const text = await readFile(path, 'utf8');
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw configError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function overlay(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const c = { ...(raw as Record<string, unknown>) };
  const set = (name: string) => env[name]?.trim() || undefined;
  if (set('NATS_URL')) c.nats = { url: set('NATS_URL') };
  if (set('DATABASE_URL')) c.database = { url: set('DATABASE_URL') };
  if (set('EDDY_INSTANCE')) c.instance = set('EDDY_INSTANCE');
  if (set('LOG_LEVEL')) c.logLevel = set('LOG_LEVEL');
  if (set('EDDY_HTTP_PORT')) c.http = { ...(c.http as object), port: Number(set('EDDY_HTTP_PORT')) };
  return c;
}
