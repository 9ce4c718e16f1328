/**
 * The namespace of one key of one agent or actor: what it remembers and
 * recalls by default, so a key can never recall another key's memories.
 * Shared namespaces (a team's runbooks) are any other name, given explicitly.
 *
 * @example
 * keyNamespace('support-agent', 'customer-42'); // 'support-agent/customer-42'
 */
export function keyNamespace(owner: string, key: string): string {
  // Percent-encoding the key keeps the one '/' meaningful: no key can pose as another owner's.
  return `${owner}/${encodeURIComponent(key)}`;
}
