import { describe, expect, it } from 'vitest';
import { secretsOf, serviceLogger } from '../../cli/run/service-logger.ts';

describe('eddy run’s logger', () => {
  it('never writes an API key or a database password, whatever field or message carries it', () => {
    const url = `postgres://eddy:${encodeURIComponent('Pa55:w/rd!')}@db.internal:5432/eddy`;
    const env = {
      OPENAI_API_KEY: 'sk-live-abcdef123456',
      DATABASE_URL: url,
      HOME: '/root',
      SHORT_KEY: 'abc',
    };
    const secrets = secretsOf(env, [url]);
    expect(secrets).toEqual(
      expect.arrayContaining(['sk-live-abcdef123456', 'Pa55:w/rd!', encodeURIComponent('Pa55:w/rd!')]),
    );
    expect(secrets).not.toContain('/root');
    const lines: string[] = [];
    const logger = serviceLogger('debug', secrets, { write: (line: string) => void lines.push(line) });
    logger.info(
      { url, config: { apiKey: 'whatever-is-here', password: 'hunter2-hunter2' } },
      `connecting with ${env.OPENAI_API_KEY}`,
    );
    logger.error({ error: new Error(`auth failed for eddy:Pa55:w/rd!@db.internal`).message }, 'boom');
    const out = lines.join('');
    for (const secret of [
      'sk-live-abcdef123456',
      'Pa55:w/rd!',
      encodeURIComponent('Pa55:w/rd!'),
      'whatever-is-here',
      'hunter2-hunter2',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('connecting with ***');
    expect(lines.every((l) => JSON.parse(l))).toBe(true);
  });
});
