import { UnstorableValueError } from '../errors/unstorable-value-error.ts';
import { checkJson, checkText, checkTime } from './storable.ts';
import type { MemoryChange } from './store.ts';

/** pgvector's HNSW limit: no collection has more dimensions. */
const MAX_DIMENSIONS = 2000;

/**
 * Checks long-term memory writes as every store keeps them (throwing
 * `UnstorableValueError`) and keeps only the last write of each record, in
 * the order of those last writes: one statement cannot write a row twice.
 */
export function prepareMemories(changes: readonly MemoryChange[] | undefined): readonly MemoryChange[] {
  if (changes === undefined || changes.length === 0) return [];
  const last = new Map<string, MemoryChange>();
  changes.forEach((c, i) => {
    const at = `memories[${i}]`;
    const r = c.kind === 'upsert' ? c.row : c;
    checkText(r.collection, `${at}.collection`);
    nonEmpty(r.namespace, `${at}.namespace`);
    nonEmpty(r.id, `${at}.id`);
    if (c.kind === 'upsert') {
      checkText(c.row.text, `${at}.text`);
      checkTime(c.row.at, `${at}.at`);
      if (c.row.expiresAt !== null) checkTime(c.row.expiresAt, `${at}.expiresAt`);
      const v = c.row.embedding;
      if (!Array.isArray(v) || v.length === 0 || v.length > MAX_DIMENSIONS) {
        throw new UnstorableValueError(`${at}.embedding`, `expected 1..${MAX_DIMENSIONS} numbers`);
      }
      if (!v.every((x) => typeof x === 'number' && Number.isFinite(x)) || v.every((x) => x === 0)) {
        throw new UnstorableValueError(`${at}.embedding`, 'expected finite numbers, not all zero');
      }
      const m = c.row.metadata;
      if (m === null || typeof m !== 'object' || Array.isArray(m)) {
        throw new UnstorableValueError(`${at}.metadata`, 'expected a JSON object');
      }
      checkJson(m, `${at}.metadata`);
    } else if (c.kind !== 'delete') {
      throw new UnstorableValueError(`${at}.kind`, `expected 'upsert' or 'delete'`);
    }
    const id = `${r.collection}\u0000${r.namespace}\u0000${r.id}`;
    last.delete(id);
    last.set(id, c);
  });
  return [...last.values()];
}

function nonEmpty(value: unknown, path: string): void {
  if (checkText(value, path) === '') throw new UnstorableValueError(path, 'expected a non-empty string');
}
