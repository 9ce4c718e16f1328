/**
 * Server URLs with user info (`nats://user:pass@host`, `nats://token@host`)
 * shown without it, so they can go into logs and error messages.
 *
 * @example
 * redactServers('nats://app:s3cret@10.0.0.1:4222'); // 'nats://***@10.0.0.1:4222'
 */
export function redactServers(servers: string | readonly string[]): string {
  const list = typeof servers === 'string' ? [servers] : servers;
  return list.map(redactText).join(', ');
}

/** Any `scheme://userinfo@` or bare `userinfo@host` inside free text, redacted. */
export function redactText(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)?[^\s/@,]+@(?=[^\s@]+)/gi,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}
