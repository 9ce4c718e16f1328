import { type ReplayReport, replayDiff } from 'eddy';
import { CliError, usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { moduleActor } from '../run/module-actors.ts';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay recorded inputs against the current code and diff events and states (gate a deploy on it)',
  help: `Usage: eddy replay <module> --actor NAME [--diff] [--keys k1,k2] [--from SEQ] [--to SEQ] [--json] [--config FILE]

Re-runs the recorded inputs of an actor's keys (from its journal and the input
log) against the module's current code, in memory: nothing is written or
published, and no model or tool is called again (recorded answers are given
back; a step the new code asks for and the record does not have is reported
as a divergence, not called). Prints, per key, the inputs whose events differ
and the state difference, and a summary: keys same / changed / diverged.

Options:
  --actor NAME   the actor to replay (its journal)
  --diff         the default: print what differs
  --keys LIST    only these keys (comma-separated; default all)
  --from SEQ     only inputs from this log sequence on
  --to SEQ       only inputs up to this sequence
  --json         the report as JSON
  --config FILE  as for eddy run
  -h, --help     this help

Replays actors fed their part's input directly (the first step after from() or
a keyBy); inputs of timer firings are compared by state only.

Exit codes: 0 every key the same, 3 some key changed or diverged, 2 bad
command line, 65 no such actor (or one replay cannot feed), 69 a server
unreachable, 78 bad config or module.`,
  options: {
    // Replay always diffs; `--diff` is accepted for scripts that spell it out.
    diff: { type: 'boolean' },
    actor: { type: 'string' },
    keys: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [module, extra] = positionals;
    if (module === undefined) throw usageError('eddy replay <module> --actor NAME');
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    if (typeof values.actor !== 'string') throw usageError('--actor names the actor to replay');
    const seq = (name: 'from' | 'to') => {
      const raw = values[name];
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 1) throw usageError(`--${name} must be a log sequence (1, 2, …)`);
      return n;
    };
    const fromSeq = seq('from');
    const toSeq = seq('to');
    const { runtime, found } = await moduleActor({
      module,
      actor: values.actor,
      config: typeof values.config === 'string' ? values.config : undefined,
      env: io.env,
      tool: 'eddy-replay',
    });
    try {
      if (!found.decode)
        throw new CliError(
          `"${values.actor}" runs after per-record steps: replay feeds actors their part's input directly`,
          EXIT.noSuchRequest,
        );
      const report = await replayDiff(found.actor, {
        log: runtime.log,
        store: runtime.store,
        input: found.input,
        decode: found.decode,
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

function render(r: ReplayReport): string {
  const lines = [`replay of ${r.actor}: ${r.same} keys same, ${r.changed} changed, ${r.diverged} diverged`];
  for (const k of r.keys) {
    if (k.status === 'changed') {
      lines.push(`  changed  ${k.key} (${k.inputs} inputs)`);
      for (const e of k.events)
        lines.push(
          `    input ${e.inputSeq}: recorded ${JSON.stringify(e.recorded)}`,
          `    ${' '.repeat(String(e.inputSeq).length + 7)}replayed ${JSON.stringify(e.replayed)}`,
        );
      if (k.state)
        lines.push(
          `    state: recorded ${JSON.stringify(k.state.recorded)}, replayed ${JSON.stringify(k.state.replayed)}`,
        );
    }
    if (k.status === 'diverged') lines.push(`  diverged ${k.key} at input ${k.inputSeq}: ${k.reason}`);
  }
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
