import pino from 'pino';

/** Env vars whose values are secrets wherever they show up (keys, passwords in URLs). */
const SECRET_ENV = /(KEY|TOKEN|SECRET|PASSWORD)$/;

/**
 * The values to scrub from every log line: the values of secret-looking env
 * vars, and the passwords inside the URLs the service connects with.
 */
export function secretsOf(env: NodeJS.ProcessEnv, urls: readonly (string | undefined)[]): string[] {
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_ENV.test(name) && value !== undefined && value.length >= 6)
    .map(([, value]) => value as string);
  for (const url of urls) {
    if (url === undefined || !URL.canParse(url)) continue;
    const { password, username } = new URL(url);
    if (password !== '') secrets.push(password, decodeURIComponent(password));
    if (password === '' && username.length >= 8) secrets.push(username); // a token as the user part
  }
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/**
 * pino JSON lines on stdout, each line scrubbed of every secret before it is
 * written (whatever field, message or error stack carries it), plus pino's
 * own redaction of fields named like secrets.
 */
export function serviceLogger(
  level: string,
  secrets: readonly string[],
  destination: pino.DestinationStream = pino.destination(1),
) {
  const scrub = (line: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), line);
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['*.password', '*.apiKey', '*.authorization', '*.token'], censor: '***' },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
}
