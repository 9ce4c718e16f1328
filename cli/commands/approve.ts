import { userInfo } from 'node:os';
import { decideApproval, NoSuchApprovalError } from '../../scenarios/ops/approvals.ts';
import { DEFAULT_SEED, opsSubjects } from '../../scenarios/ops/subjects.ts';
import { CliError, usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openNatsLog } from '../open-log.ts';

export const approveCommand: Command = {
  name: 'approve',
  summary: 'approve (or --deny) a pending approval request (ops pack, on NATS)',
  help: `Usage: eddy approve <requestId> [--deny] [--reason TEXT] [--by NAME] [--seed S]

Sends a decision on a pending approval request to the ops pack's approvals
subject on NATS (NATS_URL). The agent that asked runs the remediation (once,
under its idempotency key) when approved, and files the case as
needs-a-person when denied. "eddy approvals" lists the pending requests.

Options:
  --deny         deny instead of approve
  --reason TEXT  why (kept in the agent's journal and the case)
  --by NAME      who decides (default: the OS user)
  --seed S       the pack's seed, if not the default
  -h, --help     this help

Exit codes: 0 sent, 2 bad command line, 65 no such pending request (decided,
expired, or never asked), 69 NATS unreachable, 78 NATS_URL not set.`,
  options: {
    deny: { type: 'boolean' },
    reason: { type: 'string' },
    by: { type: 'string' },
    seed: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [requestId, extra] = positionals;
    if (requestId === undefined) throw usageError('name the request: eddy approve <requestId>');
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw usageError('--seed must be a whole number');
    const by =
      typeof values.by === 'string' && values.by.trim() !== '' ? values.by : userInfo().username || 'cli';
    const approved = values.deny !== true;
    const log = await openNatsLog(io.env, 'eddy approve');
    try {
      const pending = await decideApproval(log, opsSubjects(seed), {
        requestId,
        approved,
        by,
        ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
      });
      io.stdout.write(
        `${approved ? 'approved' : 'denied'}: ${pending.tool} on ${pending.job} (${requestId})\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (error instanceof NoSuchApprovalError) throw new CliError(error.message, EXIT.noSuchRequest);
      throw error;
    } finally {
      await log.close();
    }
  },
};
