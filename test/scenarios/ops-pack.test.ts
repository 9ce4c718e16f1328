import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatModel } from '../../agents/models/chat-model-factory.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { actorMemory } from '../../memory/actor/actor-memory.ts';
import { offlineEmbedder } from '../../memory/embedders/offline-embedder.ts';
import type { OpsCase } from '../../scenarios/ops/ops-case.ts';
import { type OpsSummary, runOps } from '../../scenarios/ops/run-ops.ts';
import { opsSubjects } from '../../scenarios/ops/subjects.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import { bodyOf, type WireServer } from '../agents/wire/index.ts';
import { startOpsWireModel } from './support/ops-wire-model.ts';

describe('ops pack on the embedded default, with a model over the OpenAI wire', () => {
  let wire: WireServer;
  const log = new MemoryLog();
  const store = new PgliteStore();
  let summary: OpsSummary;
  const decided: string[] = [];

  beforeAll(async () => {
    wire = await startOpsWireModel();
    await store.migrate();
    const embedder = offlineEmbedder();
    const collection = await sqlMemory(store).collection({
      name: 'ops_runbooks_test',
      dimensions: embedder.dimensions,
    });
    summary = await runOps({
      events: 5,
      log,
      store,
      memory: actorMemory(collection, embedder),
      model: chatModel({
        provider: 'openai',
        model: 'ops-scripted',
        baseURL: wire.baseURL,
        apiKey: 'sk-test',
      }),
      approvalTimeoutMs: 1_500,
      // Approve the fraud job's restart and the checkpoint change, deny the payments restart, leave back pressure to time out.
      approve: (request, job) => {
        decided.push(`${job}:${request.tool}`);
        if (job === 'payments-sync') return { approved: false, reason: 'change freeze' };
        if (job === 'inventory-cdc') return undefined;
        return { approved: true, reason: 'per runbook' };
      },
    });
  }, 60_000);

  afterAll(async () => {
    await log.close();
    await store.close();
    await wire?.close();
  });

  const byJob = (job: string) => summary.cases.find((c) => c.job === job) as OpsCase;

  it('restarts the approved job exactly once and never the denied one', () => {
    expect(summary.service?.restarts).toEqual({
      'orders-etl': 0,
      clickstream: 0,
      'payments-sync': 0,
      'inventory-cdc': 0,
      'fraud-scoring': 1,
    });
    expect(summary.service?.configChanges).toEqual([
      { job: 'clickstream', key: 'checkpoint.timeout.ms', value: 180000 },
    ]);
    expect(summary.service?.repeatedKeys).toBe(0);
  });

  it('files each incident as normal, auto-remediated or needs-a-person, with why', () => {
    expect(summary.cases.map((c) => [c.job, c.kind, c.outcome])).toEqual([
      ['orders-etl', 'exception', 'normal'],
      ['clickstream', 'checkpoint-timeout', 'auto-remediated'],
      ['payments-sync', 'oom', 'needs-a-person'],
      ['inventory-cdc', 'backpressure', 'needs-a-person'],
      ['fraud-scoring', 'oom', 'auto-remediated'],
    ]);
    expect(byJob('payments-sync').summary).toBe(
      'the remediation was denied by ops-pack operator (change freeze)',
    );
    expect(byJob('inventory-cdc').approval?.note).toMatch(/denied by timeout/);
    expect(byJob('fraud-scoring').healthAfter?.status).toBe('healthy');
    expect(byJob('fraud-scoring').healthBefore?.status).toBe('failing');
    expect(byJob('clickstream').runbook).toBe('checkpoint-timeout.md');
    expect(byJob('fraud-scoring').runbook).toBe('out-of-memory.md');
    expect(decided.sort()).toEqual([
      'clickstream:set_job_config',
      'fraud-scoring:restart_job',
      'inventory-cdc:set_job_config',
      'payments-sync:restart_job',
    ]);
  });

  it('reads the whole runbook through the MCP filesystem server and asks the model once per incident that needs it', () => {
    expect(wire.requests).toHaveLength(4);
    const prompts = wire.requests.map(
      (r) => (bodyOf(r).messages as { content: string }[]).at(-1)?.content ?? '',
    );
    expect(
      prompts.some(
        (p) => p.includes('# Runbook: out-of-memory restarts') && p.includes('page the owning team'),
      ),
    ).toBe(true);
  });

  it('publishes each case once, and the approval requests next to them', async () => {
    const outputs = await new SubjectTail<{ type: string; incidentId?: string }>(
      log,
      opsSubjects().cases,
    ).poll();
    const cases = outputs.filter((o) => o.type === 'case').map((o) => o.incidentId);
    expect(cases.sort()).toEqual(summary.cases.map((c) => c.incidentId).sort());
    expect(outputs.filter((o) => o.type === 'approval-request')).toHaveLength(4);
  });
});
