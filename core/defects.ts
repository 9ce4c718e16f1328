/**
 * Deliberate defects, for the tests that prove the suites have teeth. Each one
 * re-creates a bug (most of them found by a mutation run that the suites did
 * not catch then), so a test can switch it on and expect to fail. Internal: no
 * entry point exports this module, and nothing but tests switches a defect on.
 * - `no-dedup`: inputs applied already are applied again.
 * - `snapshot-before-apply`: a snapshot holds the state before its event.
 * - `delete-before-puback`: outbox rows are deleted before the log acknowledged them.
 * - `forget-origin-sequences`: commits leave out the per-destination origin sequences.
 * - `no-sequence-gap-check`: the JetStream consumer ignores jumps in its delivery sequence.
 * - `no-disconnect-watcher`: the JetStream consumer ignores a dropped connection.
 * - `drop-done-early`: an input whose records were all dropped commits its seq as the
 *   watermark at once, before the inputs ahead of it are done.
 * - `lose-split-tail`: a per-record step that splits a record keeps only the first.
 */
export const DEFECTS = [
  'no-dedup',
  'snapshot-before-apply',
  'delete-before-puback',
  'forget-origin-sequences',
  'no-sequence-gap-check',
  'no-disconnect-watcher',
  'drop-done-early',
  'lose-split-tail',
] as const;

export type Defect = (typeof DEFECTS)[number];

const active = new Set<Defect>();

/** Whether the defect is switched on (in this process). */
export function hasDefect(defect: Defect): boolean {
  return active.size > 0 && active.has(defect);
}

/**
 * Runs `work` with the defects switched on in this process, and off again after it.
 *
 * @example
 * const broken = await withDefects(['no-dedup'], () => runScenario({ actor, inputs, faults }));
 */
export async function withDefects<T>(defects: readonly Defect[], work: () => Promise<T>): Promise<T> {
  for (const d of defects) active.add(d);
  try {
    return await work();
  } finally {
    for (const d of defects) active.delete(d);
  }
}

/** Switches defects on for the rest of this process (a stage process of the chaos run). */
export function switchOnDefects(defects: readonly Defect[]): void {
  for (const d of defects) active.add(d);
}
