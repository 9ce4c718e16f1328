import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OFFLINE_LINE } from '../../cli/choose-model.ts';
import type { Io } from '../../cli/command.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { main } from '../../cli/main.ts';
import { freePort } from '../services/free-port.ts';

function capture(env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        add(String(chunk));
        done();
      },
    });
  const io: Io = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env,
    signal: new AbortController().signal,
  };
  return { io, out: () => out, err: () => err };
}

describe('eddy scenario: the command line', () => {
  it('prints help for eddy, for a command, and for "help <command>"', async () => {
    for (const argv of [['--help'], [], ['scenario', '--help'], ['help', 'scenario']]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(EXIT.ok);
      expect(c.out()).toMatch(/Usage: eddy/);
    }
    const c = capture();
    await main(['scenario', '-h'], c.io);
    expect(c.out()).toContain('--servers');
    expect(c.out()).toContain('Exit codes');
  });

  it.each([
    [['nope'], /no command "nope"/],
    [['scenario'], /name a pack/],
    [['scenario', 'shop'], /no pack "shop"; the packs are voc, livestream, ops/],
    [['scenario', 'voc', '--events', 'ten'], /--events must be a whole number/],
    [['scenario', 'voc', '--events', '0'], /at least 1/],
    [['scenario', 'voc', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with exit 2 and says why', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(EXIT.usage);
    expect(c.err()).toMatch(message);
    expect(c.err()).toContain('see --help');
  });

  it('needs NATS_URL and DATABASE_URL for --servers (exit 78), and says when NATS is not there (exit 69)', async () => {
    const missing = capture({});
    expect(await main(['scenario', 'voc', '--servers'], missing.io)).toBe(EXIT.config);
    expect(missing.err()).toMatch(/--servers needs NATS_URL and DATABASE_URL/);

    const port = await freePort();
    const nowhere = capture({
      NATS_URL: `nats://app:s3cret@127.0.0.1:${port}`,
      DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/x',
    });
    expect(await main(['scenario', 'voc', '--servers', '--events', '5'], nowhere.io)).toBe(EXIT.unavailable);
    expect(nowhere.err()).toMatch(/cannot reach NATS/);
    expect(nowhere.err()).not.toContain('s3cret');
  });

  it('refuses a model spec it cannot use (exit 78), never falling back to the offline model', async () => {
    const c = capture({});
    expect(await main(['scenario', 'voc', '--model', 'anthropic:claude-x'], c.io)).toBe(EXIT.config);
    expect(c.err()).toMatch(/ANTHROPIC_API_KEY/);
    expect(c.err()).not.toContain('OFFLINE');
    const set = capture({ OPENAI_API_KEY: 'sk-secret-value' });
    expect(await main(['scenario', 'voc'], set.io)).toBe(EXIT.config);
    expect(set.err()).toMatch(/no model chosen, yet OPENAI_API_KEY is set/);
    expect(set.err()).not.toContain('sk-secret-value');
  });

  it('runs the VOC pack like `npm start`: offline, embedded, announced at the start and in the summary', async () => {
    const child = spawn(process.execPath, ['cli/main.ts', 'scenario', 'voc'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, err).toBe(0);
    expect(err.split('\n')[0]).toBe(OFFLINE_LINE);
    expect(err).toContain('embedded default');
    expect(out).toMatch(/VOC: 2000 records in [\d.]+ s, model offline:voc \(OFFLINE/);
    expect(out).toMatch(/mails received by the local SMTP server\s+\d+/);
    expect(out).toMatch(/Worst minutes and the suggestions agent’s advice:\n {2}\S/);
    expect(out.trimEnd().endsWith(OFFLINE_LINE)).toBe(true);
  }, 90_000);

  it('prints the result as one JSON object with --json', async () => {
    const c = capture({});
    expect(await main(['scenario', 'voc', '--events', '150', '--json'], c.io)).toBe(EXIT.ok);
    const result = JSON.parse(c.out()) as Record<string, unknown>;
    expect(result).toMatchObject({
      pack: 'voc',
      runtime: 'embedded',
      model: 'offline:voc',
      offline: true,
      records: 150,
    });
    expect(result.mailsReceived).toBe(result.shippingAlerts);
  }, 60_000);
});

describe('eddy scenario: the other packs on the embedded default', () => {
  it('runs the live-stream pack and prints its result as JSON', async () => {
    const c = capture({});
    expect(await main(['scenario', 'livestream', '--events', '400', '--rate', '400', '--json'], c.io)).toBe(
      EXIT.ok,
    );
    const result = JSON.parse(c.out()) as {
      pack: string;
      minutes: number;
      feedback: unknown[];
      comments: number;
    };
    expect(result).toMatchObject({ pack: 'livestream', comments: 400 });
    expect(result.minutes).toBeGreaterThan(0);
    expect(result.feedback).toHaveLength(result.minutes);
  }, 60_000);

  it('runs the ops pack with its scripted operator, announcing the offline model and embedder', async () => {
    const c = capture({});
    expect(await main(['scenario', 'ops'], c.io)).toBe(EXIT.ok);
    expect(c.err()).toContain('OFFLINE MODEL');
    expect(c.err()).toContain('OFFLINE EMBEDDER');
    expect(c.out()).toMatch(
      /payments-sync\s+oom\s+needs-a-person\s+the remediation was denied by ops-pack operator/,
    );
    expect(c.out()).toMatch(/fraud-scoring\s+1\s+-/);
  }, 60_000);

  it('refuses --approve external without --servers, and --port without --dashboard', async () => {
    const a = capture({});
    expect(await main(['scenario', 'ops', '--approve', 'external'], a.io)).toBe(EXIT.usage);
    expect(a.err()).toMatch(/--approve external needs --servers/);
    const b = capture({});
    expect(await main(['scenario', 'livestream', '--port', '9000'], b.io)).toBe(EXIT.usage);
    expect(b.err()).toMatch(/add --dashboard/);
  });
});

describe('eddy approvals and eddy approve without NATS', () => {
  it('say that approvals travel on the log (exit 78)', async () => {
    for (const argv of [['approvals'], ['approve', 'some-id']]) {
      const c = capture({});
      expect(await main(argv, c.io)).toBe(EXIT.config);
      expect(c.err()).toMatch(/needs NATS_URL/);
    }
    const c = capture({});
    expect(await main(['approve'], c.io)).toBe(EXIT.usage);
  });
});
