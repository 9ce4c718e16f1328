import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import { makeUpcaster } from '../actor/upcast.ts';
import { RecordedSteps } from '../runtime/step-refs.ts';
import type { Json, Store } from '../store/store.ts';

export interface SnapshotMismatch {
  readonly key: string;
  readonly version: number;
  readonly snapshot: Json;
  readonly replayed: Json;
}

export interface KeyReplay<S> {
  readonly state: S;
  readonly version: number;
  /** Snapshots whose state differs from a replay of the journal up to their version. */
  readonly mismatches: readonly SnapshotMismatch[];
}

/**
 * Replays a key's whole journal from the initial state, ignoring snapshots, and
 * checks every kept snapshot against the state at its version. This is what
 * `eddy replay` runs, and what the property tests use as ground truth.
 *
 * @example
 * const { state, mismatches } = await replayKey(counter, store, 'alice');
 */
export async function replayKey<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  store: Store,
  key: string,
): Promise<KeyReplay<S>> {
  const upcast = makeUpcaster(def.upcasters, def.eventVersions);
  const [journal, snapshots] = await Promise.all([
    store.journal(def.name, key),
    store.snapshots(def.name, key),
  ]);
  const byVersion = new Map(snapshots.map((s) => [s.version, s.state] as const));
  const mismatches: SnapshotMismatch[] = [];
  const steps = new RecordedSteps();
  let state = def.initial(key);
  let version = 0;
  const check = (): void => {
    const snap = byVersion.get(version);
    if (snap !== undefined && canonical(snap) !== canonical(state)) {
      mismatches.push({ key, version, snapshot: snap, replayed: state });
    }
  };
  for (const event of journal) {
    version = event.version;
    if (!steps.take(event))
      state = def.evolve(state, upcast(event.type, event.schemaVersion, steps.resolve(event)) as E);
    check();
  }
  for (const s of snapshots) {
    if (s.version > version) mismatches.push({ key, version: s.version, snapshot: s.state, replayed: null });
  }
  return { state, version, mismatches };
}

/** JSON with sorted object keys, so that jsonb's key order does not count as a difference. */
export function canonical(value: Json): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
