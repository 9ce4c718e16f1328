import { z } from 'zod';
import { usageError } from './cli-errors.ts';
import type { Parsed } from './command.ts';

const whole = (flag: string, min: number) =>
  z
    .string()
    .refine((raw) => /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) && Number(raw) >= min, {
      error: (issue) => `--${flag} must be a whole number of at least ${min}, got "${String(issue.input)}"`,
    })
    .transform(Number);

const Args = z
  .object({
    events: whole('events', 1).optional(),
    seed: whole('seed', 0).optional(),
    rate: whole('rate', 1).optional(),
    port: whole('port', 0).optional(),
    model: z.string().min(1, '--model needs a spec such as anthropic:<model>').optional(),
    servers: z.boolean().default(false),
    json: z.boolean().default(false),
    dashboard: z.boolean().default(false),
    approve: z
      .enum(['auto', 'external'], {
        error: (issue) => `--approve is auto or external, got "${String(issue.input)}"`,
      })
      .default('auto'),
  })
  .refine((a) => a.port === undefined || a.dashboard, {
    message: "--port is the dashboard's: add --dashboard",
  })
  .refine((a) => a.approve !== 'external' || a.servers, {
    message: '--approve external needs --servers: decisions travel on the log, from another process',
  });

/** `eddy scenario`'s options, checked once; events and seed left out take the pack's defaults. */
export interface ScenarioArgs {
  readonly pack: string;
  readonly events: number | undefined;
  readonly seed: number | undefined;
  readonly rate: number | undefined;
  readonly model: string | undefined;
  readonly servers: boolean;
  readonly json: boolean;
  readonly dashboard: { readonly port: number } | undefined;
  readonly approve: 'auto' | 'external';
}

export function scenarioArgs({ values, positionals }: Parsed, packs: readonly string[]): ScenarioArgs {
  const [pack, extra] = positionals;
  if (pack === undefined) throw usageError(`name a pack: eddy scenario <${packs.join('|')}>`);
  if (!packs.includes(pack)) throw usageError(`no pack "${pack}"; the packs are ${packs.join(', ')}`);
  if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    throw usageError(parsed.error.issues[0]?.message ?? 'bad options');
  }
  const a = parsed.data;
  return {
    pack,
    events: a.events,
    seed: a.seed,
    rate: a.rate,
    model: a.model,
    servers: a.servers,
    json: a.json,
    dashboard: a.dashboard ? { port: a.port ?? 8787 } : undefined,
    approve: a.approve,
  };
}
