/**
 * The text with every secret replaced by `***`, and cut to `max` characters:
 * providers echo request details (sometimes the key itself) in error bodies,
 * and those bodies end up in our messages and logs.
 */
export function redact(text: string, secrets: readonly string[], max = 500): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
