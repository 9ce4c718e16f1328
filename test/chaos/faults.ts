import { seededRandom } from './plan.ts';

/**
 * One fault, due once `at` (a fraction of the events) are published.
 * - `kill`: SIGKILL a running stage instance and start it again.
 * - `nats-restart` / `pg-restart`: restart the server (same port, same data).
 * - `scale-out`: drain the single instance (SIGTERM), start three that share the partitions through leases.
 * - `kill-for-good`: SIGKILL one of the three and leave it dead; the others take over once its leases run out.
 */
export type Fault =
  | { readonly kind: 'kill'; readonly at: number }
  | { readonly kind: 'nats-restart'; readonly at: number }
  | { readonly kind: 'pg-restart'; readonly at: number }
  | { readonly kind: 'scale-out'; readonly at: number }
  | { readonly kind: 'kill-for-good'; readonly at: number };

export interface FaultPlanOptions {
  /** Kills followed by a restart, spread over the run. */
  readonly restartKills: number;
  readonly natsRestart: boolean;
  readonly pgRestart: boolean;
  readonly threeInstances: boolean;
  readonly seed: number;
}

/**
 * The run's faults in order: kills scattered at random (one in each equal
 * slice of the run, so they spread), one NATS restart in the first half, one
 * PostgreSQL restart around the middle, and with `threeInstances` the switch to
 * three instances after that and the final kill of one of them.
 *
 * @example
 * const faults = planFaults({ restartKills: 10, natsRestart: true, pgRestart: true, threeInstances: true, seed: 1 });
 */
export function planFaults(options: FaultPlanOptions): Fault[] {
  const random = seededRandom(options.seed ^ 0x5eed);
  const between = (from: number, to: number): number => from + random() * (to - from);
  const faults: Fault[] = [];
  const first = 0.03;
  const last = 0.97;
  const slice = (last - first) / Math.max(1, options.restartKills);
  for (let i = 0; i < options.restartKills; i++) {
    faults.push({ kind: 'kill', at: between(first + i * slice, first + (i + 1) * slice) });
  }
  if (options.natsRestart) faults.push({ kind: 'nats-restart', at: between(0.2, 0.35) });
  if (options.pgRestart) faults.push({ kind: 'pg-restart', at: between(0.4, 0.55) });
  if (options.threeInstances) {
    faults.push({ kind: 'scale-out', at: between(0.58, 0.62) });
    faults.push({ kind: 'kill-for-good', at: between(0.75, 0.85) });
  }
  return faults.sort((a, b) => a.at - b.at);
}
