// One instance of the chaos pipeline (source, the sum actor, a sink) as its own OS process, as it would run in
// production: JetStream in, PostgreSQL state, drained by SIGTERM. The chaos
// driver (chaos-run.ts) starts, SIGKILLs and restarts these.
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { DEFECTS, switchOnDefects } from '../../core/defects.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import { CHAOS, chaosInputSchema, sumActor } from './sum-actor.ts';

const env = z
  .object({
    NATS_URL: z.string().min(1),
    DATABASE_URL: z.string().min(1),
    CHAOS_OWNER: z.string().min(1),
    /** Comma-separated partitions to claim outright; empty: share them through leases. */
    CHAOS_PARTITIONS: z.string().default(''),
    CHAOS_LEASE_MS: z.coerce.number().int().positive().default(3_000),
    /** Written once the stage runs, so the driver knows when a kill hits a running instance. */
    CHAOS_READY_FILE: z.string().min(1),
    CHAOS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** A deliberate defect, to show that the chaos checks catch one. */
    CHAOS_MUTATION: z.enum(['', ...DEFECTS]).default(''),
  })
  .parse(process.env);
if (env.CHAOS_MUTATION !== '') switchOnDefects([env.CHAOS_MUTATION]);

const logger = pino({ level: env.CHAOS_LOG_LEVEL, base: { owner: env.CHAOS_OWNER } }, pino.destination(2));
const partitions = env.CHAOS_PARTITIONS === '' ? undefined : env.CHAOS_PARTITIONS.split(',').map(Number);

// Keep reconnecting however long NATS is away: the default gives up after 10 tries.
const log = await JetStreamLog.connect(
  { servers: env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: true },
  { logger },
);
const store = new PgStore({ url: env.DATABASE_URL, maxConnections: 4, applicationName: env.CHAOS_OWNER });
await store.migrate();
const stage = pipeline(
  {
    name: CHAOS.stage,
    log,
    store,
    owner: env.CHAOS_OWNER,
    leaseMs: env.CHAOS_LEASE_MS,
    restartDelayMs: 250,
    logger,
    ...(partitions === undefined ? {} : { partitions }),
  },
  from(CHAOS.input, chaosInputSchema).pipe(actor(sumActor), to(CHAOS.output)),
);

process.once('SIGTERM', () => {
  void (async () => {
    logger.info({}, 'SIGTERM: draining');
    await stage.stop();
    await log.close();
    await store.close();
    logger.info({}, 'drained');
    process.exit(0);
  })();
});

await stage.start();
logger.info({ partitions: stage.partitions() }, 'chaos stage ready');
writeFileSync(env.CHAOS_READY_FILE, String(process.pid));
