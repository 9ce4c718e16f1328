/** The subjects and names of one ops pipeline (`ops` for the default seed). */
export interface OpsSubjects {
  readonly name: string;
  /** The agent's input: exception events from the job service, and approval decisions. */
  readonly events: string;
  /** Where people and tools send decisions (`eddy approve`); forwarded into `events` exactly once. */
  readonly approvals: string;
  /** The agent's outputs: approval requests and filed cases. */
  readonly cases: string;
  readonly deadLetter: string;
  readonly agent: string;
  readonly forwarder: string;
}

export const DEFAULT_SEED = 23;

export function opsSubjects(seed = DEFAULT_SEED): OpsSubjects {
  const name = seed === DEFAULT_SEED ? 'ops' : `ops-s${seed}`;
  return {
    name,
    events: `${name}.events`,
    approvals: `${name}.approvals`,
    cases: `${name}.cases`,
    deadLetter: `${name}.dead-letter`,
    agent: `${name}-agent`,
    forwarder: `${name}-approvals`,
  };
}
