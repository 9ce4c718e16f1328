import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What `/readyz` reports. */
export interface Readiness {
  readonly ready: boolean;
  readonly draining: boolean;
  readonly checks: Readonly<Record<string, string>>;
  /** Per pipeline and part, the partitions this instance holds. */
  readonly partitions: Readonly<Record<string, readonly (readonly number[])[]>>;
}

/**
 * The service's HTTP: `/healthz` (the process answers), `/readyz` (200 when
 * ready, 503 with the reason otherwise), `/metrics` (Prometheus text).
 */
export async function startEndpoints(o: {
  readonly host: string;
  readonly port: number;
  readonly metrics: Registry;
  readonly readiness: () => Promise<Readiness>;
}) {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ ok: true }));
    if (path === '/readyz') {
      o.readiness()
        .then((r) => send(res, r.ready ? 200 : 503, 'application/json', JSON.stringify(r)))
        .catch((error: unknown) =>
          send(res, 503, 'application/json', JSON.stringify({ ready: false, error: String(error) })),
        );
      return;
    }
    if (path === '/metrics') {
      o.metrics
        .metrics()
        .then((text) => send(res, 200, o.metrics.contentType, text))
        .catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
      return;
    }
    send(res, 404, 'text/plain', 'not found: /healthz, /readyz, /metrics');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}
