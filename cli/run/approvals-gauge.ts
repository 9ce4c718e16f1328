import type { Logger, RunnablePipeline, Store } from 'eddy';
import { Gauge, type Registry } from 'prom-client';

/** The durable timer that expires an approval request (see agents' `openApproval`): one per pending request. */
const APPROVAL_TIMER = 'approval:';

/**
 * `eddy_agent_approvals_pending{stage,agent}`: approval requests waiting for a
 * person in the partitions this instance holds, counted at scrape time from
 * their expiry timers in the store (so a restart loses none of them).
 */
export function approvalsGauge(
  registry: Registry,
  store: Store,
  pipelines: () => readonly RunnablePipeline[],
  logger: Logger,
): Gauge<'stage' | 'agent'> {
  return new Gauge({
    name: 'eddy_agent_approvals_pending',
    help: 'Approval requests of agents waiting for a decision (not decided, not expired), in the partitions held here.',
    labelNames: ['stage', 'agent'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of pipelines()) {
        for (const part of p.subjects.inputs.keys()) {
          const stage = part === 0 ? p.name : `${p.name}.${part}`;
          const counts = new Map<string, number>();
          for (const partition of p.partitions(part)) {
            try {
              for (const t of await store.timers(stage, partition))
                if (t.name.startsWith(APPROVAL_TIMER)) counts.set(t.actor, (counts.get(t.actor) ?? 0) + 1);
            } catch (error) {
              logger.debug({ stage, partition, error: (error as Error).message }, 'approvals not counted');
            }
          }
          for (const [agent, n] of counts) this.set({ stage, agent }, n);
        }
      }
    },
  });
}
