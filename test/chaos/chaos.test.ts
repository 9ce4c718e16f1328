import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.ts';
import { ciProfile } from './profiles.ts';

// The short chaos profile (`npm run chaos` runs the full one). It starts its own
// NATS and PostgreSQL, since it restarts them, and runs the stage as OS processes.
describe('chaos: SIGKILLed stage processes, restarted NATS and PostgreSQL, three instances', () => {
  it('produces exactly the outputs and states of a run without faults', async () => {
    const progress: string[] = [];
    const report = await runChaos(ciProfile, (line) => progress.push(line));
    const { details, ...summary } = report;
    const story = `${progress.join('\n')}\n${JSON.stringify(details, null, 2)}`;
    expect(summary.events, story).toBe(ciProfile.events);
    expect(summary.kills, story).toBe(ciProfile.restartKills + 1);
    expect(summary.natsRestarts, story).toBe(1);
    expect(summary.pgRestarts, story).toBe(1);
    // A stage process that dies unasked is a crash bug, even when the run recovers from it.
    expect(details.unexpectedExits, story).toEqual([]);
    expect(
      { lost: summary.lost, duplicated: summary.duplicated, mismatched: summary.mismatched },
      story,
    ).toEqual({ lost: 0, duplicated: 0, mismatched: 0 });
    expect(details.outputs, story).toBe(ciProfile.events);
  }, 300_000);
});
