// `npm run chaos`: the full chaos run (100k events, >= 10 SIGKILLs, NATS and
// PostgreSQL restarted, three instances with one killed for good). Prints one
// JSON line on stdout, progress and details on stderr; exits 1 when any output
// was lost, duplicated or mismatched.
//   node scripts/chaos.ts [--ci] [--events N] [--seed N] [--kills N] [--lease-ms N] [--mutation no-dedup]
//                         [--no-nats-restart] [--no-pg-restart] [--one-instance]
// The --no-*/--one-instance flags narrow a failing run down to the fault behind it.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFECTS } from '../core/defects.ts';
import { runChaos } from '../test/chaos/chaos-run.ts';
import { ciProfile, fullProfile } from '../test/chaos/profiles.ts';

const { values } = parseArgs({
  options: {
    ci: { type: 'boolean', default: false },
    events: { type: 'string' },
    seed: { type: 'string' },
    mutation: { type: 'string' },
    kills: { type: 'string' },
    'lease-ms': { type: 'string' },
    'no-nats-restart': { type: 'boolean', default: false },
    'no-pg-restart': { type: 'boolean', default: false },
    'one-instance': { type: 'boolean', default: false },
  },
});
const args = z
  .object({
    events: z.coerce.number().int().positive().optional(),
    seed: z.coerce.number().int().nonnegative().optional(),
    mutation: z.enum(DEFECTS).optional(),
    kills: z.coerce.number().int().nonnegative().optional(),
    leaseMs: z.coerce.number().int().positive().optional(),
  })
  .parse({
    events: values.events,
    seed: values.seed,
    mutation: values.mutation,
    kills: values.kills,
    leaseMs: values['lease-ms'],
  });
const base = values.ci ? ciProfile : fullProfile;
const profile = {
  ...base,
  ...(args.events === undefined ? {} : { events: args.events }),
  ...(args.seed === undefined ? {} : { seed: args.seed }),
  ...(args.mutation === undefined ? {} : { mutation: args.mutation }),
  ...(args.kills === undefined ? {} : { restartKills: args.kills }),
  ...(args.leaseMs === undefined ? {} : { leaseMs: args.leaseMs }),
  ...(values['no-nats-restart'] ? { natsRestart: false } : {}),
  ...(values['no-pg-restart'] ? { pgRestart: false } : {}),
  ...(values['one-instance'] ? { threeInstances: false } : {}),
};

const report = await runChaos(profile, (line) => process.stderr.write(`${line}\n`));
const { details, ...line } = report;
process.stderr.write(
  `${JSON.stringify({ profile: profile.name, seed: profile.seed, ...details }, null, 2)}\n`,
);
process.stdout.write(`${JSON.stringify(line)}\n`);
process.exitCode = report.lost + report.duplicated + report.mismatched > 0 ? 1 : 0;
