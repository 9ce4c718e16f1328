import { describe, expect, it } from 'vitest';
import { StepContext, type StepHost } from '../../../core/runtime/step-context.ts';
import { RecordedSteps } from '../../../core/runtime/step-refs.ts';
import { STEP_EVENT, type StepRecord } from '../../../core/runtime/steps.ts';
import type { JournalEvent, Json } from '../../../core/store/store.ts';

/** Journals steps into an array, as the runtime's commit would. */
class Host implements StepHost {
  readonly actor = 'agent';
  readonly journal: StepRecord[] = [];
  readonly clock = (): number => 1_000;
  async persist(steps: readonly StepRecord[]): Promise<void> {
    this.journal.push(...steps);
  }
  timer(): undefined {
    return undefined;
  }
}

const TASK = 'seq:7';
const ctxOf = (host: Host, recorded: readonly StepRecord[] = []) =>
  new StepContext<Json>(host, 'k', undefined, TASK, recorded);

/** Journal rows as the store would hold them: the steps, then the events as `journaled` made them. */
function rows(steps: readonly StepRecord[], events: readonly Json[]): JournalEvent[] {
  const row = (version: number, type: string, data: Json): JournalEvent => ({
    actor: 'agent',
    key: 'k',
    version,
    type,
    schemaVersion: 1,
    data,
    inputSeq: 7,
    eventTime: 0,
  });
  return [
    ...steps.map((s, i) => row(i + 1, STEP_EVENT, { task: TASK, ...s })),
    ...events.map((e, i) => row(steps.length + i + 1, (e as { type: string }).type, e)),
  ];
}

/** What recovery and replay evolve: each row's data with the step results put back. */
function read(journal: readonly JournalEvent[]): Json[] {
  const steps = new RecordedSteps();
  return journal.filter((e) => !steps.take(e)).map((e) => steps.resolve(e));
}

describe('step results referred to by journaled events', () => {
  it('journals an event that is a step result, or carries one in a field, as a reference; reading puts it back', async () => {
    const host = new Host();
    const ctx = ctxOf(host);
    const answer = await ctx.run('model', () => ({ type: 'Answered', content: 'long text' }));
    const result = await ctx.run('tool', () => ({ ok: true, value: [1, 2] }));
    const events = [answer, { type: 'Used', result, note: 'kept' }];
    const journaled = events.map((e) => ctx.journaled(e));
    expect(journaled).toEqual([
      { type: 'Answered', $step: { task: TASK, index: 0 } },
      { type: 'Used', result: { $step: { task: TASK, index: 1 } }, note: 'kept' },
    ]);
    expect(read(rows(host.journal, journaled))).toEqual(events);
  });

  it('copies what is only equal to a step result, or was changed after the step returned it', async () => {
    const ctx = ctxOf(new Host());
    const value = await ctx.run('model', () => ({ type: 'Answered', content: 'a' }));
    const changed = await ctx.run('tool', () => ({ n: 1 }) as { n: number });
    changed.n = 2;
    const copy = { ...value };
    expect(ctx.journaled(copy)).toBe(copy);
    const event = { type: 'Used', changed, count: 3 };
    expect(ctx.journaled(event)).toBe(event);
    // Scalars have no identity to tell a step's result from the same value computed anew.
    const price = await ctx.run('price', () => 42);
    const priced = { type: 'Priced', price };
    expect(ctx.journaled(priced)).toBe(priced);
  });

  it('refers to a step result a re-run read back from the journal, as the first run did', async () => {
    const host = new Host();
    const first = ctxOf(host);
    const answer = await first.run('model', () => ({ type: 'Answered', content: 'x' }));
    const rerun = ctxOf(new Host(), host.journal);
    const replayed = await rerun.run('model', () => ({ type: 'Answered', content: 'other' }));
    expect(replayed).toEqual(answer);
    expect(rerun.journaled(replayed)).toEqual({ type: 'Answered', $step: { task: TASK, index: 0 } });
  });

  it('leaves the events of a call that got no object from a step as they are', () => {
    const event = { type: 'Added', amount: 1, tags: ['a'] };
    expect(ctxOf(new Host()).journaled(event)).toBe(event);
  });

  it('refuses a reference to a step the journal does not hold rather than evolving the reference', () => {
    const journal = rows([], [{ type: 'Answered', $step: { task: TASK, index: 3 } }]);
    expect(() => read(journal)).toThrow(/refers to step 3 of seq:7, which its journal does not hold/);
  });

  it('reads an object that merely has a $step member among others as data', () => {
    const event = { type: 'Odd', payload: { $step: { task: TASK, index: 0 }, other: 1 } };
    expect(read(rows([], [event]))).toEqual([event]);
  });
});
