import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import { makeUpcaster } from '../actor/upcast.ts';
import type { Envelope } from '../envelope.ts';
import type { Log } from '../log/log.ts';
import { partitionOf } from '../log/partition-of.ts';
import { RecordedSteps } from '../runtime/step-refs.ts';
import { STEP_EVENT } from '../runtime/steps.ts';
import type { JournalEvent, Json, Store } from '../store/store.ts';
import { ReplayContext, ReplayDivergence } from './replay-context.ts';
import { canonical } from './replay-key.ts';

/** How a key came out of a replay against the current code. */
export type KeyDiff =
  | { readonly key: string; readonly status: 'same'; readonly inputs: number }
  | {
      readonly key: string;
      readonly status: 'changed';
      readonly inputs: number;
      /** The first inputs whose events differ. */
      readonly events: readonly {
        readonly inputSeq: number;
        readonly recorded: Json;
        readonly replayed: Json;
      }[];
      readonly state: { readonly recorded: Json; readonly replayed: Json } | null;
    }
  | {
      readonly key: string;
      readonly status: 'diverged';
      readonly inputs: number;
      readonly inputSeq: number;
      readonly reason: string;
    };

export interface ReplayReport {
  readonly actor: string;
  readonly keys: readonly KeyDiff[];
  readonly same: number;
  readonly changed: number;
  readonly diverged: number;
  /** Keys whose journal holds timer firings: those are compared by state only. */
  readonly notes: readonly string[];
}

export interface ReplayDiffOptions {
  readonly log: Log;
  readonly store: Store;
  /** The actor's part's input subject, and how its records are read (the pipeline's source). */
  readonly input: string;
  readonly decode: (payload: Uint8Array, envelope: Envelope<Uint8Array>) => unknown;
  /** Only these keys (default every key of the actor). */
  readonly keys?: readonly string[];
  /** Only inputs with seqs in this range. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** Differences kept per key. Default 3. */
  readonly maxDiffs?: number;
}

/**
 * Replays the recorded inputs of an actor's keys against the current code,
 * in memory (no store write, no publish, no model or tool call: recorded
 * steps are given back, and a step the record lacks is a divergence), and
 * compares per input the events the new `decide` makes with the recorded
 * ones, and at the end the state. What `eddy replay` prints; a deploy can
 * gate on `changed + diverged === 0`.
 *
 * @example
 * ```ts
 * const report = await replayDiff(totalsV2, { log, store, input: 'orders', decode: (b) => JSON.parse(new TextDecoder().decode(b)) });
 * ```
 */
export async function replayDiff<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  o: ReplayDiffOptions,
): Promise<ReplayReport> {
  const keys = o.keys ?? (await o.store.keys(def.name));
  const partitions = await o.log.partitions(o.input);
  const journals = new Map<string, readonly JournalEvent[]>();
  for (const key of keys) journals.set(key, await o.store.journal(def.name, key));
  const inputs = await readInputs(o, partitions, journals);
  const notes: string[] = [];
  const diffs: KeyDiff[] = [];
  for (const key of keys)
    diffs.push(
      await replayOne(def, o, key, journals.get(key) ?? [], inputs.get(partitionOf(key, partitions)), notes),
    );
  return {
    actor: def.name,
    keys: diffs,
    same: diffs.filter((d) => d.status === 'same').length,
    changed: diffs.filter((d) => d.status === 'changed').length,
    diverged: diffs.filter((d) => d.status === 'diverged').length,
    notes,
  };
}

async function replayOne<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  o: ReplayDiffOptions,
  key: string,
  journal: readonly JournalEvent[],
  inputs: ReadonlyMap<number, Envelope<Uint8Array>> | undefined,
  notes: string[],
): Promise<KeyDiff> {
  const upcast = makeUpcaster(def.upcasters, def.eventVersions);
  const snapshots = await o.store.snapshots(def.name, key);
  const steps = new RecordedSteps();
  const byInput = new Map<number, JournalEvent[]>();
  const recordedEvents: E[] = [];
  let timerEvents = 0;
  for (const event of journal) {
    if (steps.take(event) || event.type === STEP_EVENT) continue;
    const resolved = {
      ...(upcast(event.type, event.schemaVersion, steps.resolve(event)) as object),
      type: event.type,
    } as E;
    recordedEvents.push(resolved);
    if (event.inputSeq === 0) {
      timerEvents++;
      continue;
    }
    const list = byInput.get(event.inputSeq) ?? [];
    list.push({ ...event, data: resolved as unknown as Json });
    byInput.set(event.inputSeq, list);
  }
  if (timerEvents > 0)
    notes.push(`${key}: ${timerEvents} events of timer firings are compared by state only`);
  const seqs = [...byInput.keys()].filter(
    (s) => (o.fromSeq ?? 0) <= s && s <= (o.toSeq ?? Number.MAX_SAFE_INTEGER),
  );
  let state = def.initial(key);
  const differences: { inputSeq: number; recorded: Json; replayed: Json }[] = [];
  for (const seq of seqs.sort((a, b) => a - b)) {
    const envelope = inputs?.get(seq);
    if (!envelope)
      return {
        key,
        status: 'diverged',
        inputs: seqs.length,
        inputSeq: seq,
        reason: `input ${o.input}:${seq} is no longer in the log`,
      };
    const ctx = new ReplayContext<O>(
      def.name,
      key,
      {
        seq,
        id: envelope.id,
        eventTime: envelope.eventTime,
        headers: envelope.headers,
        eventTimeWatermark: envelope.eventTime,
      },
      `seq:${seq}`,
      steps.byTask.get(`seq:${seq}`) ?? [],
    );
    let events: readonly E[];
    try {
      events = await def.decide(state, o.decode(envelope.payload, envelope) as I, ctx);
    } catch (error) {
      const reason =
        error instanceof ReplayDivergence ? error.message : `decide threw: ${(error as Error).message}`;
      return { key, status: 'diverged', inputs: seqs.length, inputSeq: seq, reason };
    }
    const recorded = (byInput.get(seq) ?? []).map((e) => e.data);
    const replayed = events.map((e) => e as unknown as Json);
    if (canonical(recorded) !== canonical(replayed) && differences.length < (o.maxDiffs ?? 3))
      differences.push({ inputSeq: seq, recorded, replayed });
    for (const e of events) state = def.evolve(state, e);
  }
  const latestVersion = journal.at(-1)?.version ?? 0;
  const snapshot = snapshots.find((s) => s.version === latestVersion);
  // The state as recorded: the snapshot at the latest version, else the recorded events folded by this code.
  const recordedState =
    snapshot?.state ?? recordedEvents.reduce((s, e) => def.evolve(s, e), def.initial(key));
  const stateDiffers =
    timerEvents === 0 &&
    o.fromSeq === undefined &&
    o.toSeq === undefined &&
    canonical(recordedState) !== canonical(state);
  if (differences.length === 0 && !stateDiffers) return { key, status: 'same', inputs: seqs.length };
  return {
    key,
    status: 'changed',
    inputs: seqs.length,
    events: differences,
    state: stateDiffers ? { recorded: recordedState, replayed: state } : null,
  };
}

/** The recorded inputs of the keys, read once per partition in one pass (a log read per input would be slow). */
async function readInputs(
  o: ReplayDiffOptions,
  partitions: number,
  journals: ReadonlyMap<string, readonly JournalEvent[]>,
): Promise<Map<number, Map<number, Envelope<Uint8Array>>>> {
  const wanted = new Map<number, Set<number>>();
  for (const [key, journal] of journals) {
    const p = partitionOf(key, partitions);
    const seqs = wanted.get(p) ?? new Set<number>();
    for (const e of journal)
      if (
        e.inputSeq > 0 &&
        (o.fromSeq ?? 0) <= e.inputSeq &&
        e.inputSeq <= (o.toSeq ?? Number.MAX_SAFE_INTEGER)
      )
        seqs.add(e.inputSeq);
    wanted.set(p, seqs);
  }
  const found = new Map<number, Map<number, Envelope<Uint8Array>>>();
  for (const [p, seqs] of wanted) {
    if (seqs.size === 0) continue;
    const last = Math.max(...seqs);
    const byPartition = new Map<number, Envelope<Uint8Array>>();
    for await (const env of o.log.read(o.input, p, Math.min(...seqs))) {
      if (seqs.has(env.seq)) byPartition.set(env.seq, env);
      if (env.seq >= last) break;
    }
    found.set(p, byPartition);
  }
  return found;
}
