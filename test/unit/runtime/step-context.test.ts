import { describe, expect, it } from 'vitest';
import { NonDeterminismError } from '../../../core/errors/non-determinism-error.ts';
import { StepContext, type StepHost } from '../../../core/runtime/step-context.ts';
import type { StepRecord } from '../../../core/runtime/steps.ts';
import type { TimerSpec } from '../../../core/runtime/timer-index.ts';
import type { Json } from '../../../core/store/store.ts';

/** A host that journals steps into an array, as the runtime's commit would, and can hold the commit back. */
class RecordingHost implements StepHost {
  readonly actor = 'pricing';
  readonly journal: StepRecord[] = [];
  readonly timers = new Map<string, TimerSpec>();
  time = 1_000;
  hold: Promise<void> | undefined;
  readonly clock = (): number => this.time;

  async persist(steps: readonly StepRecord[]): Promise<void> {
    if (this.hold) await this.hold;
    this.journal.push(...steps);
  }

  timer(name: string): TimerSpec | undefined {
    return this.timers.get(name);
  }
}

/** A step function that notes its calls. */
const called =
  <T extends Json>(calls: string[], name: string, value: T) =>
  (): T => {
    calls.push(name);
    return value;
  };

const ctxOf = (host: RecordingHost, recorded: readonly StepRecord[] = [], task = 'seq:1') =>
  new StepContext<Json>(host, 'k', undefined, task, recorded);

describe('StepContext', () => {
  it('journals a step before run resolves', async () => {
    const host = new RecordingHost();
    let release: () => void = () => {};
    host.hold = new Promise((r) => {
      release = r;
    });
    let resolved = false;
    const running = ctxOf(host)
      .run('price', () => 42)
      .then((v) => {
        resolved = true;
        return v;
      });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(resolved).toBe(false);
    release();
    expect(await running).toBe(42);
    expect(host.journal).toEqual([{ index: 0, kind: 'run', name: 'price', value: 42 }]);
  });

  it('returns exactly what a replay will: the result normalised through JSON', async () => {
    const host = new RecordingHost();
    const ctx = ctxOf(host);
    const value = await ctx.run('shape', () => ({ a: 1, gone: undefined }) as unknown as Json);
    expect(value).toEqual({ a: 1 });
    expect(Object.keys(value as object)).toEqual(['a']);
    expect(await ctx.run('nothing', () => undefined as unknown as Json)).toBeNull();
  });

  it('records clock reads with the next step and replays both without calling fn', async () => {
    const host = new RecordingHost();
    const first = ctxOf(host);
    const t = first.now();
    expect(host.journal).toEqual([]);
    await first.run('a', () => 'A');
    expect(host.journal).toEqual([
      { index: 0, kind: 'now', name: 'now', value: 1_000 },
      { index: 1, kind: 'run', name: 'a', value: 'A' },
    ]);

    host.time = 9_999;
    const again = ctxOf(host, host.journal);
    const calls: string[] = [];
    expect(again.now()).toBe(t);
    expect(await again.run('a', called(calls, 'a', 'other'))).toBe('A');
    expect(calls).toEqual([]);
    // Past the recorded steps the context is live again.
    expect(again.now()).toBe(9_999);
  });

  it('throws NonDeterminismError when a re-run asks for another step at a recorded position', async () => {
    const host = new RecordingHost();
    const recorded: StepRecord[] = [{ index: 0, kind: 'run', name: 'a', value: 1 }];
    await expect(ctxOf(host, recorded).run('b', () => 2)).rejects.toThrow(NonDeterminismError);
    expect(() => ctxOf(host, recorded).now()).toThrow(
      /recorded as run\(a\) but the re-run asked for now\(now\)/,
    );
    const error = await ctxOf(host, recorded)
      .run('b', () => 2)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NonDeterminismError', actor: 'pricing', key: 'k', index: 0 });
  });

  it('draws the same random numbers for the same task and different ones for another task', () => {
    const host = new RecordingHost();
    const a = ctxOf(host, [], 'seq:1');
    const b = ctxOf(host, [], 'seq:1');
    const c = ctxOf(host, [], 'seq:2');
    const draws = (ctx: StepContext<Json>) => [ctx.random(), ctx.random(), ctx.random()];
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
  });

  it('replays a step recorded after a failed one: failures are not journaled, so they run again', async () => {
    const host = new RecordingHost();
    const decide = async (ctx: StepContext<Json>, failA: boolean, calls: string[]) => {
      let a: Json = 'fallback';
      try {
        a = await ctx.run('a', () => {
          calls.push('a');
          if (failA) throw new Error('flaky');
          return 'A';
        });
      } catch {
        // a flaky call the actor tolerates
      }
      const b = await ctx.run('b', called(calls, 'b', 'B'));
      return [a, b];
    };
    const firstCalls: string[] = [];
    expect(await decide(ctxOf(host), true, firstCalls)).toEqual(['fallback', 'B']);
    // The re-run after a crash: 'a' is called again, 'b' comes from the journal.
    const calls: string[] = [];
    expect(await decide(ctxOf(host, host.journal), false, calls)).toEqual(['A', 'B']);
    expect(calls).toEqual(['a']);
  });

  it('matches concurrent steps by call order, not by the order they were journaled', async () => {
    const host = new RecordingHost();
    let finishSlow: (value: string) => void = () => {};
    const slow = new Promise<string>((resolve) => {
      finishSlow = resolve;
    });
    const first = ctxOf(host);
    // 'slow' is called first but finishes (and is journaled) after 'fast'.
    const both = Promise.all([first.run('slow', () => slow), first.run('fast', () => 'F')]);
    while (host.journal.length === 0) await Promise.resolve();
    finishSlow('S');
    expect(await both).toEqual(['S', 'F']);
    expect(host.journal.map((s) => s.name)).toEqual(['fast', 'slow']);

    const calls: string[] = [];
    const again = ctxOf(host, host.journal);
    const replayed = await Promise.all([
      again.run('slow', called(calls, 'slow', 'x')),
      again.run('fast', called(calls, 'fast', 'y')),
    ]);
    expect(replayed).toEqual(['S', 'F']);
    expect(calls).toEqual([]);
  });

  it('shows timer changes made by the task before the runtime applies them', () => {
    const host = new RecordingHost();
    host.timers.set('old', { kind: 'event', at: 5 });
    const ctx = ctxOf(host);
    expect(ctx.timers.get('old')).toEqual({ kind: 'event', at: 5 });
    ctx.timers.setEventTime('t', 100);
    ctx.timers.setProcessingTime('t', 200);
    ctx.timers.cancel('old');
    expect(ctx.timers.get('t')).toEqual({ kind: 'processing', at: 200 });
    expect(ctx.timers.get('old')).toBeUndefined();
    expect(ctx.timerOps).toEqual([
      { name: 't', entry: { kind: 'event', at: 100 } },
      { name: 't', entry: { kind: 'processing', at: 200 } },
      { name: 'old', entry: undefined },
    ]);
  });
});
