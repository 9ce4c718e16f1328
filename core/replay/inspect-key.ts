import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import { makeUpcaster } from '../actor/upcast.ts';
import { RecordedSteps } from '../runtime/step-refs.ts';
import { STEP_EVENT } from '../runtime/steps.ts';
import type { Json, Store } from '../store/store.ts';

/** One journal entry as `inspect` lists it. */
export interface InspectedEvent {
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly inputSeq: number;
  readonly eventTime: number;
  /** For a recorded step (a model call, a tool call, a `ctx.run`): its name. */
  readonly step?: string;
  readonly data: Json;
}

/** A recorded step: what was asked once and is replayed ever after (model answers, tool results). */
export interface InspectedStep {
  readonly version: number;
  readonly name: string;
  readonly result: Json;
  /** Token usage, when the step is a model call that reported it. */
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
}

/** A key of an actor as it was at one version. */
export interface KeyInspection<S> {
  readonly actor: string;
  readonly key: string;
  /** The version shown, and the journal's latest. */
  readonly version: number;
  readonly latest: number;
  readonly state: S;
  /** The snapshot the fold started from (null: from the initial state). */
  readonly fromSnapshot: number | null;
  readonly snapshots: readonly number[];
  readonly journal: readonly InspectedEvent[];
  readonly steps: readonly InspectedStep[];
}

export interface InspectOptions {
  /** The journal version to show (default the latest). */
  readonly at?: number;
  /** Or: the last version whose event time is at or before this (ms). */
  readonly time?: number;
}

/**
 * Time travel for one key: its state at a past version (the newest snapshot
 * at or below it, then the journal folded up to it), its journal up to there
 * with event types, and the recorded steps (for agents: every model answer
 * with its token usage, every tool result). What `eddy inspect` prints; use
 * it in tests too.
 *
 * @example
 * ```ts
 * const { state, journal } = await inspectKey(totals, store, 'alice', { at: 3 });
 * ```
 */
export async function inspectKey<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  store: Store,
  key: string,
  options: InspectOptions = {},
): Promise<KeyInspection<S>> {
  const upcast = makeUpcaster(def.upcasters, def.eventVersions);
  const [journal, snapshots] = await Promise.all([
    store.journal(def.name, key),
    store.snapshots(def.name, key),
  ]);
  const latest = journal.at(-1)?.version ?? 0;
  const version =
    options.time !== undefined
      ? (journal.filter((e) => e.eventTime <= (options.time as number)).at(-1)?.version ?? 0)
      : Math.min(options.at ?? latest, latest);
  if (!Number.isSafeInteger(version) || version < 0)
    throw new RangeError(`no version ${options.at} to inspect`);
  const from = snapshots.filter((s) => s.version <= version).at(-1);
  const steps = new RecordedSteps();
  const listed: InspectedEvent[] = [];
  const recorded: InspectedStep[] = [];
  let state = (from?.state as S | undefined) ?? def.initial(key);
  for (const event of journal) {
    if (event.version > version) break;
    const isStep = steps.take(event);
    const stepName = isStep ? stepNameOf(event.data) : undefined;
    listed.push({
      version: event.version,
      type: event.type,
      schemaVersion: event.schemaVersion,
      inputSeq: event.inputSeq,
      eventTime: event.eventTime,
      ...(stepName === undefined ? {} : { step: stepName }),
      data: event.data,
    });
    if (isStep && event.type === STEP_EVENT) {
      const result = (event.data as { value?: Json }).value ?? null;
      const usage = usageOf(result);
      recorded.push({ version: event.version, name: stepName ?? '', result, ...(usage ? { usage } : {}) });
    }
    // Events after the snapshot fold into it; a step record before it is still read, for references.
    if (!isStep && (from === undefined || event.version > from.version))
      state = def.evolve(state, upcast(event.type, event.schemaVersion, steps.resolve(event)) as E);
  }
  return {
    actor: def.name,
    key,
    version,
    latest,
    state,
    fromSnapshot: from?.version ?? null,
    snapshots: snapshots.map((s) => s.version),
    journal: listed,
    steps: recorded,
  };
}

function stepNameOf(data: Json): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const name = (data as { readonly [k: string]: Json }).name;
  return typeof name === 'string' ? name : undefined;
}

function usageOf(result: Json): InspectedStep['usage'] | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const usage = (result as { usage?: Json }).usage;
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return undefined;
  const { inputTokens, outputTokens } = usage as { inputTokens?: unknown; outputTokens?: unknown };
  return typeof inputTokens === 'number' && typeof outputTokens === 'number'
    ? { inputTokens, outputTokens }
    : undefined;
}
