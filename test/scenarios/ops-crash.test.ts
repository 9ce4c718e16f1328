import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { streamName } from '../../connectors/jetstream/names.ts';
import type { PendingApproval } from '../../scenarios/ops/approvals.ts';
import { JOBS } from '../../scenarios/ops/incidents.ts';
import { type JobService, startJobService } from '../../scenarios/ops/job-service.ts';
import type { OpsCase } from '../../scenarios/ops/ops-case.ts';
import { appendIncident } from '../../scenarios/ops/run-ops.ts';
import { opsSubjects } from '../../scenarios/ops/subjects.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import type { WireServer } from '../agents/wire/index.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreamsWithPrefix } from '../support/delete-streams.ts';
import { startOpsWireModel } from './support/ops-wire-model.ts';
import { spawnEddy } from './support/spawn-scenario.ts';

const SEED = 6_161;
const subjects = opsSubjects(SEED);
const natsUrl = inject('natsUrl');

describe('ops pack on NATS + PostgreSQL: people decide with eddy approve, the pack is killed mid-run', () => {
  let db: TestDatabase;
  let wire: WireServer;
  let service: JobService;
  let log: JetStreamLog;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    wire = await startOpsWireModel();
    log = await JetStreamLog.connect({ servers: natsUrl });
    // The job service outlives the pack's processes: it is the outside world, and it counts the restarts.
    // Its restarts answer after 3 s: the pack is killed while the call is in flight, after the restart happened.
    service = await startJobService({
      jobs: JOBS,
      emit: (e) => appendIncident(log, subjects, e),
      restartAnswerMs: 3_000,
    });
    env = {
      NATS_URL: natsUrl,
      DATABASE_URL: db.url,
      OPENAI_API_KEY: 'sk-test-ops',
      OPENAI_BASE_URL: wire.baseURL,
      OPS_SERVICE_URL: service.url,
    };
  });

  afterAll(async () => {
    await service?.close();
    await log?.close();
    await wire?.close();
    await db?.drop();
    await deleteStreamsWithPrefix(natsUrl, streamName(subjects.name));
  });

  const start = () =>
    spawnEddy(
      [
        'scenario',
        'ops',
        '--servers',
        '--json',
        '--approve',
        'external',
        '--seed',
        String(SEED),
        '--model',
        'openai:ops-scripted',
      ],
      env,
    );
  async function eddy(args: readonly string[]) {
    const p = spawnEddy(args, env);
    const { code } = await p.exited;
    return { code, out: p.stdout(), err: p.stderr() };
  }
  async function pending(): Promise<PendingApproval[]> {
    const listed = await eddy(['approvals', '--json', '--seed', String(SEED)]);
    expect(listed.code, listed.err).toBe(EXIT.ok);
    return JSON.parse(listed.out) as PendingApproval[];
  }

  it('runs each approved remediation once, never a denied one, and files every case once', async () => {
    const first = start();
    let requests: PendingApproval[] = [];
    expect(
      await waitUntil(
        async () => {
          requests = await pending();
          return requests.length === 4;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 300,
          abort: () => (first.child.exitCode === null ? undefined : `the pack ended: ${first.stderr()}`),
        },
      ),
    ).toBeUndefined();
    const of = (job: string) => requests.find((r) => r.job === job) as PendingApproval;

    const denied = await eddy([
      'approve',
      of('payments-sync').requestId,
      '--deny',
      '--reason',
      'change freeze',
      '--by',
      'ana',
      '--seed',
      String(SEED),
    ]);
    expect(denied.code, denied.err).toBe(EXIT.ok);
    expect(denied.out).toMatch(/^denied: restart_job on payments-sync/);
    const approved = await eddy([
      'approve',
      of('fraud-scoring').requestId,
      '--by',
      'ana',
      '--seed',
      String(SEED),
    ]);
    expect(approved.code, approved.err).toBe(EXIT.ok);

    // Killed as soon as the service ran the approved restart: before the agent has its answer, let alone committed it.
    expect(
      await waitUntil(async () => service.stats().restarts['fraud-scoring'] === 1, { timeoutMs: 30_000 }),
    ).toBeUndefined();
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = start();
    for (const job of ['clickstream', 'inventory-cdc']) {
      const again = await eddy(['approve', of(job).requestId, '--by', 'ana', '--seed', String(SEED)]);
      expect(again.code, again.err).toBe(EXIT.ok);
    }
    const twice = await eddy(['approve', of('payments-sync').requestId, '--seed', String(SEED)]);
    expect(twice.code).toBe(EXIT.noSuchRequest);
    expect(twice.err).toMatch(/no pending approval request/);

    const { code } = await second.exited;
    expect(code, second.stderr()).toBe(0);
    expect(service.stats().restarts).toEqual({
      'orders-etl': 0,
      clickstream: 0,
      'payments-sync': 0,
      'inventory-cdc': 0,
      'fraud-scoring': 1,
    });
    expect(
      service
        .stats()
        .configChanges.map((c) => c.job)
        .sort(),
    ).toEqual(['clickstream', 'inventory-cdc']);
    // The restarted pack ran the remediation again under the same idempotency key, and the service refused it.
    expect(service.stats().repeatedKeys).toBe(1);

    const cases = (await new SubjectTail<{ type: string }>(log, subjects.cases).poll()).filter(
      (o): o is OpsCase => o.type === 'case',
    );
    expect(cases.map((c) => c.job).sort()).toEqual([...JOBS].sort());
    const outcome = Object.fromEntries(cases.map((c) => [c.job, c.outcome]));
    expect(outcome).toEqual({
      'orders-etl': 'normal',
      clickstream: 'auto-remediated',
      'payments-sync': 'needs-a-person',
      'inventory-cdc': 'auto-remediated',
      'fraud-scoring': 'auto-remediated',
    });
    expect(cases.find((c) => c.job === 'payments-sync')?.summary).toBe(
      'the remediation was denied by ana (change freeze)',
    );
  }, 150_000);
});
