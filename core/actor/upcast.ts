import type { Json } from '../store/store.ts';
import type { Upcaster } from './actor-definition.ts';

/**
 * Builds a function that lifts a journaled event's data to the current schema
 * version of its type. Throws `UpcastError` when a step in the chain is missing,
 * because applying an unlifted event would silently corrupt state.
 */
export function makeUpcaster(
  upcasters: readonly Upcaster[] = [],
  current: Readonly<Record<string, number>> = {},
): (type: string, schemaVersion: number, data: Json) => Json {
  const steps = new Map<string, (data: Json) => Json>();
  for (const u of upcasters) steps.set(`${u.type}@${u.fromVersion}`, u.up);
  return (type, schemaVersion, data) => {
    const target = current[type] ?? 1;
    let value = data;
    for (let v = schemaVersion; v < target; v++) {
      const step = steps.get(`${type}@${v}`);
      if (!step) throw new UpcastError(type, v, target);
      value = step(value);
    }
    return value;
  };
}

export class UpcastError extends Error {
  override readonly name = 'UpcastError';
  readonly type: string;
  readonly fromVersion: number;

  constructor(type: string, fromVersion: number, target: number) {
    super(
      `no upcaster for event "${type}" from schema version ${fromVersion} (current is ${target}); add { type: '${type}', fromVersion: ${fromVersion}, up } to the actor's upcasters`,
    );
    this.type = type;
    this.fromVersion = fromVersion;
  }
}
