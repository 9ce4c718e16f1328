import { actorMemory } from 'eddy/memory';
import type { ScenarioPack } from '../shared/scenario-pack.ts';
import { renderTable } from '../shared/text-table.ts';
import { opsOfflineAnswer } from './offline-answers.ts';
import { type OpsSummary, runOps } from './run-ops.ts';
import { DEFAULT_SEED } from './subjects.ts';

/** `eddy scenario ops`: incidents of a job service → health, runbook, diagnosis → approval → remediation → case. */
export const opsPack: ScenarioPack<OpsSummary> = {
  name: 'ops',
  title: 'operations agent',
  defaultSeed: DEFAULT_SEED,
  defaultEvents: 5,
  usesMemory: true,
  offlineAnswer: opsOfflineAnswer,
  async run(ctx) {
    const collection = await ctx.runtime.memory.collection({
      name: `ops_runbooks_${ctx.embedder.dimensions}`,
      dimensions: ctx.embedder.dimensions,
    });
    const serviceUrl = ctx.env.OPS_SERVICE_URL?.trim() || undefined;
    ctx.say(
      serviceUrl
        ? `job service: ${serviceUrl} (OPS_SERVICE_URL)`
        : 'job service: a local one, started by the pack (set OPS_SERVICE_URL for another)',
    );
    if (ctx.approve === 'external')
      ctx.say('approvals: waiting for people: eddy approvals lists them, eddy approve <id> [--deny] decides');
    else
      ctx.say(
        'approvals: a scripted operator decides (all but payments jobs, under a change freeze); --approve external for people',
      );
    return runOps({
      events: ctx.events,
      seed: ctx.seed,
      log: ctx.runtime.log,
      store: ctx.runtime.store,
      memory: actorMemory(collection, ctx.embedder),
      model: ctx.model,
      approve: ctx.approve,
      logger: ctx.logger,
      signal: ctx.signal,
      ...(serviceUrl ? { serviceUrl } : {}),
      onApprovalRequest: (r, job) =>
        ctx.approve === 'external'
          ? ctx.say(
              `approval requested: ${r.requestId} (${r.tool} on ${job}): eddy approve '${r.requestId}' [--deny]`,
            )
          : undefined,
      onProgress: (p) => ctx.progress.set('cases filed', p.cases, p.incidents),
    });
  },
  render: (s) => {
    const model = s.offline ? `${s.model} (OFFLINE: canned answers, no LLM)` : s.model;
    const cases = renderTable(
      ['incident', 'job', 'fault', 'outcome', 'why'],
      s.cases.map((c) => [c.incidentId, c.job, c.kind, c.outcome, c.summary]),
    );
    const service = s.service
      ? renderTable(
          ['job', 'restarts', 'config changes'],
          Object.entries(s.service.restarts).map(([job, n]) => [
            job,
            n,
            (s.service?.configChanges ?? [])
              .filter((c) => c.job === job)
              .map((c) => `${c.key}=${c.value}`)
              .join(', ') || '-',
          ]),
        )
      : '  (the job service at OPS_SERVICE_URL keeps its own counts)';
    return [
      `Ops: ${s.cases.length} incidents in ${s.seconds} s, model ${model}, embedder ${s.embedder}, ${s.runbooks} runbooks`,
      '',
      cases,
      '',
      `What the job service saw (${s.approvalRequests} approval requests${s.service ? `, ${s.service.repeatedKeys} repeated idempotency keys refused` : ''}):`,
      service,
    ].join('\n');
  },
};
