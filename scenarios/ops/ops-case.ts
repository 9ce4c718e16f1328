import type { Diagnosis } from './diagnosis.ts';
import type { ExceptionEvent, JobHealth } from './job-service.ts';

/** How a case ends (as in Flink's operations-agent demo). */
export type Outcome = 'normal' | 'auto-remediated' | 'needs-a-person';

/** A filed case: what happened, what the agent found and did, and how it ended. */
export type OpsCase = {
  readonly type: 'case';
  readonly incidentId: string;
  readonly job: string;
  readonly kind: ExceptionEvent['kind'];
  readonly outcome: Outcome;
  /** Why it ended so, in a sentence. */
  readonly summary: string;
  readonly runbook: string | null;
  readonly diagnosis: Diagnosis | null;
  /** The approval's answer when a remediation was proposed: approved, or the denial as the agent saw it. */
  readonly approval: { readonly approved: boolean; readonly note: string } | null;
  readonly healthBefore: JobHealth | null;
  readonly healthAfter: JobHealth | null;
};

/** What the agent keeps of an open case between its inputs (short-term memory, journaled). */
export type OpenCase = {
  readonly event: ExceptionEvent;
  readonly health: JobHealth;
  readonly runbook?: string;
  readonly diagnosis?: Diagnosis;
};
