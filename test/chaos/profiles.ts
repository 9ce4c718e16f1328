import type { ChaosProfile } from './chaos-run.ts';

/** `npm run chaos`: 100k events over 1k keys, 10 restarting kills plus one for good, both servers restarted. */
export const fullProfile: ChaosProfile = {
  name: 'full',
  events: 100_000,
  keys: 1_000,
  partitions: 4,
  ratePerSec: 1_500,
  restartKills: 10,
  natsRestart: true,
  pgRestart: true,
  threeInstances: true,
  leaseMs: 3_000,
  seed: 1,
  settleTimeoutMs: 180_000,
};

/** The vitest profile: the same faults on 10k events, 3 restarting kills plus one for good. */
export const ciProfile: ChaosProfile = {
  name: 'ci',
  events: 10_000,
  keys: 1_000,
  partitions: 4,
  ratePerSec: 400,
  restartKills: 3,
  natsRestart: true,
  pgRestart: true,
  threeInstances: true,
  leaseMs: 3_000,
  seed: 1,
  settleTimeoutMs: 60_000,
};
