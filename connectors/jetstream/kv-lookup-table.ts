import type { KV } from '@nats-io/kv';
import type { ZodType } from 'zod';
import { InvalidLookupRow, type LookupTable } from '../../core/lookup/lookup-table.ts';

export interface KvLookupTableOptions<V> {
  /** An open bucket: `await new Kvm(nc).open('products')`. */
  readonly kv: KV;
  /** For metrics and errors (the bucket's name, say). Default `kv`. */
  readonly name?: string;
  /** Checks and types each value (JSON) as read: one that fails it dead-letters the records that need it. */
  readonly schema: ZodType<V>;
}

/** Keys a KV bucket can hold: a record whose key is anything else has no row there. */
const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

/**
 * A NATS KV bucket as a `lookupJoin` dimension: values are JSON, checked by
 * `schema`; a deleted or purged key is a missing row. A batch of keys is read
 * with one get per key, all in flight together; `all()` reads every key for
 * full-reload mode.
 *
 * @example
 * ```ts
 * const kv = await new Kvm(nc).open('profiles');
 * const profiles = kvLookupTable({ kv, schema: z.object({ name: z.string(), vip: z.boolean() }) });
 * ```
 */
export function kvLookupTable<V>(options: KvLookupTableOptions<V>): LookupTable<V> {
  const name = options.name ?? 'kv';
  const read = async (key: string): Promise<V | InvalidLookupRow | undefined> => {
    if (!KV_KEY.test(key) || key.startsWith('.') || key.endsWith('.')) return undefined;
    const entry = await options.kv.get(key);
    if (entry?.operation !== 'PUT') return undefined;
    let json: unknown;
    try {
      json = entry.json();
    } catch {
      return new InvalidLookupRow(`value of ${JSON.stringify(key)} in bucket ${name} is not JSON`);
    }
    const parsed = options.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    return new InvalidLookupRow(
      `value of ${JSON.stringify(key)} in bucket ${name} does not fit its schema: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
        .join('; ')}`,
    );
  };
  const readAll = async (keys: readonly string[]) => {
    const values = await Promise.all(keys.map(read));
    const found = new Map<string, V | InvalidLookupRow>();
    keys.forEach((key, i) => {
      const value = values[i];
      if (value !== undefined) found.set(key, value);
    });
    return found;
  };
  return {
    name,
    getMany: readAll,
    all: async () => {
      const keys: string[] = [];
      for await (const key of await options.kv.keys()) keys.push(key);
      return readAll(keys);
    },
  };
}
