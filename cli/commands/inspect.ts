import { inspectKey, type KeyInspection, partitionOf } from 'eddy';
import { renderTable } from '../../scenarios/shared/text-table.ts';
import { usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { moduleActor } from '../run/module-actors.ts';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "time travel: an actor key's state at a past version, its journal, steps and timers",
  help: `Usage: eddy inspect <module> <actor> <key> [--at VERSION | --time T] [--json] [--config FILE]

Shows one key of an actor of the module's pipelines as it was at a version:
its state (the newest snapshot at or below it, folded with the journal up to
it), the journal with event types, the recorded steps (for agents: each model
answer with its token usage, each tool result), and its pending timers. Reads
the store the module runs on (DATABASE_URL, NATS_URL or the config file); it
never writes.

Options:
  --at VERSION   the journal version (default the latest)
  --time T       the last version at or before this event time (ISO 8601 or ms)
  --json         one JSON object on stdout
  --config FILE  as for eddy run
  -h, --help     this help

Exit codes: 0 shown, 2 bad command line, 65 no such actor in the module,
69 a server unreachable, 78 bad config or module.`,
  options: {
    at: { type: 'string' },
    time: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [module, actorName, key, extra] = positionals;
    if (module === undefined || actorName === undefined || key === undefined)
      throw usageError('eddy inspect <module> <actor> <key>');
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    if (values.at !== undefined && values.time !== undefined) throw usageError('--at or --time, not both');
    const at = values.at === undefined ? undefined : Number(values.at);
    if (at !== undefined && (!Number.isSafeInteger(at) || at < 0))
      throw usageError('--at must be a version (0, 1, 2, …)');
    const time = values.time === undefined ? undefined : parseTime(String(values.time));
    const { runtime, found } = await moduleActor({
      module,
      actor: actorName,
      config: typeof values.config === 'string' ? values.config : undefined,
      env: io.env,
      tool: 'eddy-inspect',
    });
    try {
      if (runtime.kind === 'embedded')
        io.stderr.write(
          'eddy inspect: no DATABASE_URL: the embedded default keeps nothing between processes\n',
        );
      const inspection = await inspectKey(found.actor, runtime.store, key, {
        ...(at === undefined ? {} : { at }),
        ...(time === undefined ? {} : { time }),
      });
      const partition = partitionOf(key, await runtime.log.partitions(found.input));
      const timers = (await runtime.store.timers(found.stage, partition)).filter(
        (t) => t.actor === actorName && t.key === key,
      );
      const result = { ...inspection, stage: found.stage, partition, timers };
      io.stdout.write(values.json === true ? `${JSON.stringify(result)}\n` : `${render(result)}\n`);
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
};

function parseTime(raw: string): number {
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t)) throw usageError(`--time must be ISO 8601 or ms since the epoch, got "${raw}"`);
  return t;
}

function render(
  r: KeyInspection<unknown> & {
    stage: string;
    partition: number;
    timers: readonly { name: string; kind: string; at: number }[];
  },
): string {
  const tokens = r.steps.reduce((n, s) => n + (s.usage ? s.usage.inputTokens + s.usage.outputTokens : 0), 0);
  return [
    `${r.actor} / ${r.key} at version ${r.version} of ${r.latest} (stage ${r.stage}, partition ${r.partition}; ` +
      `${r.fromSnapshot === null ? 'folded from the initial state' : `from the snapshot at ${r.fromSnapshot}`})`,
    '',
    'State:',
    JSON.stringify(r.state, null, 2)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
    '',
    'Journal:',
    renderTable(
      ['version', 'type', 'step', 'input seq', 'event time'],
      r.journal.map((e) => [
        e.version,
        e.type,
        e.step ?? '',
        e.inputSeq,
        new Date(e.eventTime).toISOString(),
      ]),
    ),
    '',
    `Recorded steps: ${r.steps.length}${tokens > 0 ? `, ${tokens} tokens` : ''}`,
    ...r.steps.map(
      (s) =>
        `  v${s.version} ${s.name}${s.usage ? ` (${s.usage.inputTokens} in, ${s.usage.outputTokens} out)` : ''}: ${JSON.stringify(s.result).slice(0, 160)}`,
    ),
    '',
    `Timers: ${r.timers.length === 0 ? 'none' : r.timers.map((t) => `${t.name} (${t.kind}) at ${new Date(t.at).toISOString()}`).join(', ')}`,
  ].join('\n');
}
