import { type Difference, type ReplayReport, replayStage } from 'eddy';
import { CliError, usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { moduleActor, openModule } from '../run/module-actors.ts';

export const replayCommand: Command = {
  name: 'replay',
  summary:
    'replay a stage’s recorded inputs against the current code; diff events, outputs and states (gate a deploy)',
  help: `Usage: eddy replay <module> (--stage NAME | --actor NAME) [--keys k1,k2] [--from SEQ] [--to SEQ] [--json] [--config FILE]

Re-runs the recorded inputs of a stage (read from its input log, up to what
its journal and outputs show it processed) against the module's current
code, in memory: nothing is written or published, and no model or tool is
called again (recorded answers are given back; a step the new code asks for
and the record does not have is reported as a divergence, not called). Per
input it compares what each actor decided, what the stage published (found on
its output subjects by msg id) and whether it dead-lettered the input; at the
end each actor's state. Prints the differences per key and a summary: keys
same / changed / diverged.

Options:
  --stage NAME   the stage: the pipeline's name, <name>.1 after its first keyBy, …
  --actor NAME   or the stage this actor runs in
  --diff         the default: print what differs
  --keys LIST    only these keys (comma-separated; default all)
  --from SEQ     only inputs from this log sequence on (the state before it is the recorded one)
  --to SEQ       only inputs up to this sequence (states are then not compared)
  --json         the report as JSON
  --config FILE  as for eddy run
  -h, --help     this help

Timer firings are not run again: their recorded events are applied in their
place. Per-record steps (map, lookupJoin, asyncMap) run again and read what
their sources hold today.

Exit codes: 0 every key the same, 3 some key changed or diverged, 2 bad
command line, 65 no such stage or actor, 69 a server unreachable, 78 bad
config or module.`,
  options: {
    // Replay always diffs; `--diff` is accepted for scripts that spell it out.
    diff: { type: 'boolean' },
    stage: { type: 'string' },
    actor: { type: 'string' },
    keys: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [module, extra] = positionals;
    if (module === undefined) throw usageError('eddy replay <module> --stage NAME');
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    const stageName = typeof values.stage === 'string' ? values.stage : undefined;
    const actorName = typeof values.actor === 'string' ? values.actor : undefined;
    if ((stageName === undefined) === (actorName === undefined))
      throw usageError('name the stage to replay with --stage NAME, or an actor of it with --actor NAME');
    const seq = (name: 'from' | 'to') => {
      const raw = values[name];
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 1) throw usageError(`--${name} must be a log sequence (1, 2, …)`);
      return n;
    };
    const fromSeq = seq('from');
    const toSeq = seq('to');
    const args = {
      module,
      config: typeof values.config === 'string' ? values.config : undefined,
      env: io.env,
      tool: 'eddy-replay',
    };
    const { runtime, pipeline, stage } =
      actorName === undefined ? await withStage(args, stageName ?? '') : await withActor(args, actorName);
    try {
      const report = await replayStage(pipeline, {
        stage,
        ...(typeof values.keys === 'string' ? { keys: values.keys.split(',').filter(Boolean) } : {}),
        ...(fromSeq === undefined ? {} : { fromSeq }),
        ...(toSeq === undefined ? {} : { toSeq }),
      });
      io.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : render(report));
      return report.changed + report.diverged === 0 ? EXIT.ok : EXIT.differs;
    } finally {
      await runtime.close();
    }
  },
};

type ModuleArgs = Parameters<typeof openModule>[0];

async function withStage(args: ModuleArgs, stage: string) {
  const { runtime, pipelines } = await openModule(args);
  const pipeline = pipelines.find((p) => p.stages.includes(stage));
  if (pipeline) return { runtime, pipeline, stage };
  await runtime.close();
  throw new CliError(
    `no stage "${stage}" in ${args.module}; its stages: ${pipelines.flatMap((p) => p.stages).join(', ') || 'none'}`,
    EXIT.noSuchRequest,
  );
}

async function withActor(args: ModuleArgs, actor: string) {
  const { runtime, found, pipeline } = await moduleActor({ ...args, actor });
  return { runtime, pipeline, stage: found.stage };
}

function render(r: ReplayReport): string {
  const lines = [
    `replay of ${r.stage}: ${r.same} keys same, ${r.changed} changed, ${r.diverged} diverged` +
      ` (actors ${r.actors.join(', ') || 'none'}${r.outputsCompared ? '; outputs compared' : ''})`,
  ];
  for (const k of r.keys) {
    if (k.status === 'changed') {
      lines.push(`  changed  ${k.key} (${k.inputs} inputs)`);
      for (const d of k.differences) lines.push(...shown(d));
    }
    if (k.status === 'diverged') lines.push(`  diverged ${k.key} at input ${k.inputSeq}: ${k.reason}`);
  }
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function shown(d: Difference): string[] {
  const pair = (head: string, recorded: unknown, replayed: unknown) => [
    `    ${head}: recorded ${JSON.stringify(recorded)}`,
    `    ${' '.repeat(head.length)}  replayed ${JSON.stringify(replayed)}`,
  ];
  switch (d.kind) {
    case 'events':
      return pair(`input ${d.inputSeq} ${d.actor} events`, d.recorded, d.replayed);
    case 'outputs':
      return pair(`input ${d.inputSeq} outputs`, d.recorded, d.replayed);
    case 'dead-letter':
      return pair(`input ${d.inputSeq} dead letter`, d.recorded, d.replayed);
    case 'state':
      return pair(`${d.actor} state`, d.recorded, d.replayed);
  }
}
