import type { FaultKind } from './job-service.ts';

export const JOBS = ['orders-etl', 'clickstream', 'payments-sync', 'inventory-cdc', 'fraud-scoring'] as const;

/** One fault the pack injects. */
export interface Incident {
  readonly incidentId: string;
  readonly job: string;
  readonly kind: FaultKind;
  /** Incidents of one round go in together; the next round waits for their cases. */
  readonly round: number;
}

const KINDS: readonly FaultKind[] = ['exception', 'checkpoint-timeout', 'oom', 'backpressure', 'oom'];

/**
 * The incidents of a run: one per job per round, the faults rotating, so the
 * default five are a transient exception, a checkpoint timeout, two
 * out-of-memory crash loops (one on payments) and back pressure.
 */
export function incidentPlan(count: number, seed: number): Incident[] {
  return Array.from({ length: count }, (_, i) => ({
    incidentId: `INC-${seed}-${String(i + 1).padStart(4, '0')}`,
    job: JOBS[i % JOBS.length] as string,
    kind: KINDS[(i + Math.floor(i / JOBS.length)) % KINDS.length] as FaultKind,
    round: Math.floor(i / JOBS.length),
  }));
}
