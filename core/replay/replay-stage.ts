import { UnknownStageError } from '../errors/unknown-stage-error.ts';
import { partitionOf } from '../log/partition-of.ts';
import { type HasStages, type ReplayableStage, STAGES } from '../pipeline/stages-hook.ts';
import type { Json } from '../store/store.ts';
import { type RecordedInput, readInputs } from './recorded-inputs.ts';
import { RecordedJournal } from './recorded-journal.ts';
import { RecordedOutcomes } from './recorded-outcomes.ts';
import { RecordedTimeline } from './recorded-timeline.ts';
import { replayInput } from './replay-input.ts';
import { canonical } from './replay-key.ts';
import type { Difference, KeyDiff, ReplayReport } from './replay-report.ts';

export interface ReplayStageOptions {
  /** The stage (`<pipeline>`, then `<pipeline>.1` after the first keyBy, …). Default the pipeline's first. */
  readonly stage?: string;
  /** Only these keys (default every key the stage journaled or published for). */
  readonly keys?: readonly string[];
  /** Only inputs with seqs in this range; the state before `fromSeq` is the recorded one. */
  readonly fromSeq?: number;
  /** States are compared only without it. */
  readonly toSeq?: number;
  /** Input differences kept per key. Default 3. */
  readonly maxDiffs?: number;
}

/**
 * Replays the recorded inputs of one stage of a pipeline against the current
 * code, in memory — nothing written, nothing published, no model or tool
 * called (recorded steps are given back; a step the record lacks is a
 * divergence) — and compares per input and key what each actor decided, what
 * the stage published (found again on its output subjects by msg id) and
 * whether it dead-lettered the input, and at the end each actor's state.
 * What `eddy replay` prints; a deploy can gate on `changed + diverged === 0`.
 *
 * @example
 * ```ts
 * const running = pipeline({ name: 'totals', log, store }, from('orders', Order).pipe(actor(totals), to('totals.out')));
 * const report = await replayStage(running, { keys: ['alice'] });
 * if (report.changed + report.diverged > 0) process.exitCode = 3;
 * ```
 */
export async function replayStage(pipeline: HasStages, o: ReplayStageOptions = {}): Promise<ReplayReport> {
  const stages = pipeline[STAGES]();
  const stage = o.stage === undefined ? stages[0] : stages.find((s) => s.name === o.stage);
  if (!stage)
    throw new UnknownStageError(
      o.stage ?? '',
      stages.map((s) => s.name),
    );
  const recorded = await RecordedOutcomes.read(stage.log, stage.name, stage.outputs, stage.deadLetter);
  return replayWith(stage, recorded, true, o);
}

/** The replay of `stage`, against `recorded` outcomes (compared when `outputsCompared`). */
export async function replayWith(
  stage: ReplayableStage,
  recorded: RecordedOutcomes,
  outputsCompared: boolean,
  o: Omit<ReplayStageOptions, 'stage'>,
): Promise<ReplayReport> {
  const { program, store } = stage;
  const count = await stage.log.partitions(stage.input);
  const journaled = new Set<string>();
  if (o.keys) for (const key of o.keys) journaled.add(key);
  else for (const def of program.actors) for (const key of await store.keys(def.name)) journaled.add(key);
  const wanted = o.keys ? new Set(o.keys.map((k) => partitionOf(k, count))) : range(count);
  const inputs = await readInputs(stage.log, stage.input, program, wanted);
  // Keys the stage published or dead-lettered for without journaling: stages without actors, failed inputs.
  if (!o.keys)
    for (const [key, list] of inputs)
      if (list.some((i) => hasOutcome(recorded.of(i.envelope.partition, i.envelope.seq)))) journaled.add(key);
  const notes = new Set<string>();
  if (program.steps.some((s) => s.kind === 'each'))
    notes.add('per-record steps ran again: lookups and asyncMap calls read what their sources hold today');
  const keys: KeyDiff[] = [];
  for (const key of [...journaled].sort())
    keys.push(await replayKey(stage, recorded, outputsCompared, o, key, inputs.get(key) ?? [], notes));
  return {
    stage: stage.name,
    actors: program.actors.map((a) => a.name),
    outputsCompared,
    keys,
    same: keys.filter((k) => k.status === 'same').length,
    changed: keys.filter((k) => k.status === 'changed').length,
    diverged: keys.filter((k) => k.status === 'diverged').length,
    notes: [...notes],
  };
}

function hasOutcome(o: {
  readonly outputs: readonly unknown[];
  readonly deadLetter: string | null;
}): boolean {
  return o.outputs.length > 0 || o.deadLetter !== null;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

async function replayKey(
  stage: ReplayableStage,
  recorded: RecordedOutcomes,
  outputsCompared: boolean,
  o: Omit<ReplayStageOptions, 'stage'>,
  key: string,
  arrived: readonly RecordedInput[],
  notes: Set<string>,
): Promise<KeyDiff> {
  const { program } = stage;
  const journals = await Promise.all(
    program.actors.map((def) => RecordedJournal.read(stage.store, def, key)),
  );
  const from = o.fromSeq ?? 1;
  const to = o.toSeq ?? Number.MAX_SAFE_INTEGER;
  // Inputs after the key's last recorded event or outcome are taken as not yet processed.
  let done = 0;
  for (const j of journals) done = Math.max(done, j.inputs().at(-1) ?? 0);
  for (const i of arrived)
    if (hasOutcome(recorded.of(i.envelope.partition, i.envelope.seq))) done = Math.max(done, i.envelope.seq);
  const last = Math.min(to, done);
  const replayed = (seq: number): boolean => seq > 0 && from <= seq && seq <= last;
  const inputs = arrived.filter((i) => replayed(i.envelope.seq));
  const present = new Set(inputs.map((i) => i.envelope.seq));
  for (const j of journals) {
    const missing = j.inputs().find((seq) => replayed(seq) && !present.has(seq));
    if (missing !== undefined)
      return {
        key,
        status: 'diverged',
        inputs: inputs.length,
        inputSeq: missing,
        reason: `input ${stage.input}:${missing} is no longer in the log`,
      };
    if (j.events.some((e) => e.inputSeq === 0))
      notes.add('timer firings are not run again: their recorded events are applied in their place');
  }
  const timeline = new RecordedTimeline(program.actors, journals, key, replayed);
  const signal = new AbortController().signal;
  const inputDiffs: Difference[] = [];
  const limit = o.maxDiffs ?? 3;
  let differing = 0;
  for (const input of inputs) {
    const env = input.envelope;
    timeline.before(env.seq);
    const result = await replayInput({
      program,
      key,
      input: {
        seq: env.seq,
        id: env.id,
        eventTime: input.eventTime,
        headers: env.headers,
        eventTimeWatermark: input.clock - stage.allowedLatenessMs,
      },
      payload: env.payload,
      envelope: env,
      states: timeline.states,
      steps: (index, call) => journals[index]?.steps.byTask.get(call) ?? [],
      signal,
    });
    if (result.kind === 'diverged')
      return { key, status: 'diverged', inputs: inputs.length, inputSeq: env.seq, reason: result.reason };
    const outcome = recorded.of(env.partition, env.seq);
    const found: Difference[] = [];
    if (result.kind === 'failed') {
      if (outcome.deadLetter === null)
        found.push({ kind: 'dead-letter', inputSeq: env.seq, recorded: null, replayed: result.reason });
    } else {
      timeline.states = [...result.states];
      if (outputsCompared && outcome.deadLetter !== null)
        found.push({ kind: 'dead-letter', inputSeq: env.seq, recorded: outcome.deadLetter, replayed: null });
      program.actors.forEach((def, i) => {
        const before = journals[i]?.eventsOf(env.seq) ?? [];
        const now = result.events[i] ?? [];
        if (canonical(before) !== canonical(now))
          found.push({ kind: 'events', inputSeq: env.seq, actor: def.name, recorded: before, replayed: now });
      });
      if (
        outputsCompared &&
        canonical(outcome.outputs as unknown as Json) !== canonical(result.outputs as unknown as Json)
      )
        found.push({
          kind: 'outputs',
          inputSeq: env.seq,
          recorded: outcome.outputs,
          replayed: result.outputs,
        });
    }
    if (found.length > 0 && differing++ < limit) inputDiffs.push(...found);
  }
  timeline.before(Number.MAX_SAFE_INTEGER);
  const differences = inputDiffs;
  if (o.toSeq === undefined)
    program.actors.forEach((def, i) => {
      const was = journals[i]?.state ?? null;
      const is = timeline.states[i] ?? null;
      if (canonical(was) !== canonical(is))
        differences.push({ kind: 'state', actor: def.name, recorded: was, replayed: is });
    });
  if (differences.length === 0) return { key, status: 'same', inputs: inputs.length };
  return { key, status: 'changed', inputs: inputs.length, differences };
}
