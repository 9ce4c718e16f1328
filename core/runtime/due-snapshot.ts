import { UnstorableValueError } from '../errors/unstorable-value-error.ts';
import { checkJson } from '../store/storable.ts';
import type { Json, Snapshot } from '../store/store.ts';
import type { ActorSlot } from './key-slot.ts';
import type { AnyActor } from './program.ts';

/** A due snapshot, or why a due one was skipped. */
export type DueSnapshot =
  | { readonly kind: 'none' }
  | { readonly kind: 'taken'; readonly snapshot: Snapshot }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * A snapshot of `state` when the actor's policy says one is due after
 * `applied` more events (and the slot records it as taken). A state no store
 * keeps (an evolve that put a Date or a NaN in it) is skipped: the journal
 * holds the events and recovery replays them; the next try is `every`
 * versions later.
 */
export function dueSnapshot(
  def: AnyActor,
  key: string,
  slot: ActorSlot,
  applied: number,
  state: Json,
): DueSnapshot {
  const policy = def.snapshot;
  if (!policy || applied === 0 || slot.version - slot.snapshotVersion < policy.every) return { kind: 'none' };
  slot.snapshotVersion = slot.version;
  try {
    checkJson(state, 'state');
  } catch (error) {
    if (!(error instanceof UnstorableValueError)) throw error;
    return { kind: 'skipped', reason: error.message };
  }
  return {
    kind: 'taken',
    snapshot: { actor: def.name, key, version: slot.version, state: structuredClone(state) },
  };
}
