import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Log, WindowResult } from 'eddy';
import { SubjectTail } from '../../shared/subject-tail.ts';
import type { StreamerFeedback } from '../feedback-agent.ts';
import type { MinuteStats } from '../minute-stats.ts';
import type { LiveSubjects } from '../subjects.ts';

export interface DashboardOptions {
  readonly log: Log;
  readonly subjects: LiveSubjects;
  /** 0 for any free port. Default 8787. */
  readonly port?: number;
  readonly host?: string;
  /** How often the subjects are read. Default 250 ms. */
  readonly pollMs?: number;
}

export interface Dashboard {
  readonly url: string;
  /** Window results (partial and final) pushed to pages so far. */
  readonly updates: number;
  close(): Promise<void>;
}

const PAGE = new URL('./page.html', import.meta.url);
const SCRIPT = new URL('./page.js', import.meta.url);
// Chart.js from the installed package, served by this server: no CDN.
const CHART = new URL('chart.umd.min.js', import.meta.resolve('chart.js'));

/**
 * The live dashboard: an HTTP server whose page draws each room's minutes
 * (sentiment, topics, VIP share, questions, advice) and updates them in
 * place as results arrive, over server-sent events. It reads the pipeline's
 * output subjects like any consumer, so it works the same on the embedded
 * log and on NATS.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ log, subjects: liveSubjects(), port: 8787 });
 * console.log(`open ${dashboard.url}`);
 * ```
 */
export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const [page, script, chart] = await Promise.all([
    readFile(PAGE, 'utf8'),
    readFile(SCRIPT, 'utf8'),
    readFile(fileURLToPath(CHART), 'utf8'),
  ]);
  const windows = new Map<string, WindowResult<MinuteStats>>();
  const feedback: StreamerFeedback[] = [];
  const clients = new Set<ServerResponse>();
  let updates = 0;
  const send = (res: ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') return reply(res, 'text/html; charset=utf-8', page);
    if (path === '/page.js') return reply(res, 'text/javascript; charset=utf-8', script);
    if (path === '/vendor/chart.js') return reply(res, 'text/javascript; charset=utf-8', chart);
    if (path === '/state.json')
      return reply(
        res,
        'application/json',
        JSON.stringify({ windows: [...windows.values()], feedback, updates }),
      );
    if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      // A comment line, so the headers go out now and the page knows it is live before the first result.
      res.write(': connected\n\n');
      for (const w of windows.values()) send(res, 'window', w);
      for (const f of feedback) send(res, 'feedback', f);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8787, o.host ?? '127.0.0.1', () => resolve());
  });

  const windowTail = new SubjectTail<WindowResult<MinuteStats>>(o.log, o.subjects.windows);
  const feedbackTail = new SubjectTail<StreamerFeedback>(o.log, o.subjects.feedback);
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      try {
        await pollOnce();
      } catch {
        // The subjects come with the pipeline; until then (or while the log is away) try again.
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
  };
  const pollOnce = async () => {
    for (const w of await windowTail.poll()) {
      windows.set(`${w.key}@${w.start}`, w);
      updates++;
      for (const c of clients) send(c, 'window', w);
    }
    for (const f of await feedbackTail.poll()) {
      feedback.push(f);
      for (const c of clients) send(c, 'feedback', f);
    }
  };
  const polling = poll();
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/`,
    get updates() {
      return updates;
    },
    async close() {
      stopped = true;
      await polling.catch(() => {});
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}
