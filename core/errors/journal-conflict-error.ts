/**
 * A commit tried to write a journal version that already exists for its actor
 * and key, so nothing of the commit was written. The writer's state is behind
 * the journal: another instance (or an earlier run) already decided that
 * version. Reload the actor from the store and decide again from there.
 *
 * @example
 * try { await store.commit(batch); }
 * catch (e) { if (e instanceof JournalConflictError) await reload(e.actor, e.key); }
 */
export class JournalConflictError extends Error {
  override readonly name = 'JournalConflictError';
  readonly actor: string;
  readonly key: string;
  readonly version: number;

  constructor(actor: string, key: string, version: number, inBatch = false) {
    super(
      inBatch
        ? `the commit holds version ${version} of actor "${actor}" key "${key}" twice; each (actor, key, version) is written once, so number the events 1, 2, 3, ... per key`
        : `the journal of actor "${actor}" key "${key}" already has version ${version}, so nothing of the commit was written; the actor's state is behind its journal: reload it from the store before deciding again`,
    );
    this.actor = actor;
    this.key = key;
    this.version = version;
  }
}
