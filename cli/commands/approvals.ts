import { pendingApprovals } from '../../scenarios/ops/approvals.ts';
import { DEFAULT_SEED, opsSubjects } from '../../scenarios/ops/subjects.ts';
import { renderTable } from '../../scenarios/shared/text-table.ts';
import { usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openNatsLog } from '../open-log.ts';

export const approvalsCommand: Command = {
  name: 'approvals',
  summary: 'list the approval requests waiting for a person (ops pack, on NATS)',
  help: `Usage: eddy approvals [--seed S] [--json]

Lists the approval requests of the ops pack's agents that nobody has decided
and that have not expired: request id, job, the remediation, and until when.
Reads them from NATS (NATS_URL): run the pack with --servers --approve external.

Options:
  --seed S     the pack's seed, if not the default (its pipeline is ops-s<seed>)
  --json       one JSON array on stdout
  -h, --help   this help

Exit codes: 0 listed (even none), 2 bad command line, 69 NATS unreachable,
78 NATS_URL not set.`,
  options: { seed: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw usageError('--seed must be a whole number');
    const log = await openNatsLog(io.env, 'eddy approvals');
    try {
      const pending = await pendingApprovals(log, opsSubjects(seed));
      if (values.json === true) io.stdout.write(`${JSON.stringify(pending)}\n`);
      else if (pending.length === 0) io.stdout.write('no approval requests pending\n');
      else
        io.stdout.write(
          `${renderTable(
            ['request', 'job', 'remediation', 'expires'],
            pending.map((p) => [
              p.requestId,
              p.job,
              `${p.tool} ${JSON.stringify(p.input)}`,
              new Date(p.expiresAt).toISOString(),
            ]),
          )}\n\nDecide with: eddy approve <request> [--deny --reason "..."]\n`,
        );
      return EXIT.ok;
    } finally {
      await log.close();
    }
  },
};
