import { createHash } from 'node:crypto';

/**
 * Names by text, shared by every driver: a name must mean one text on every
 * connection, also when several stores share a pool or a PGlite instance.
 */
const names = new Map<string, string>();

/**
 * The prepared-statement name of a statement text: a hash of it, so every
 * connection (and every process) gives one text the same name.
 *
 * @example
 * statementName('SELECT 1'); // 'eddy_...' (24 hex digits of its SHA-256)
 */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `eddy_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
