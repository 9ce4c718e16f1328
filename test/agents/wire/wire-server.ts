import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One HTTP request as the server received it. */
export interface WireRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body parsed, or the raw text when it is not JSON. */
  readonly body: unknown;
  /** `performance.now()` when the body was complete. */
  readonly receivedAt: number;
}

/** What the server does with a request. */
export type WireReply =
  | {
      readonly kind: 'json';
      readonly status?: number;
      /** The body, or a function of the request (to echo its model, say). */
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
      /** Answer after this long: a model's latency. */
      readonly delayMs?: number;
    }
  /** Never answer: the client's timeout is what ends it. */
  | { readonly kind: 'hang' }
  /** Close the connection without a response. */
  | { readonly kind: 'drop' };

/** Computes the reply to the `index`-th request (0-based) when no queued reply is left. */
export type WireScript = (request: WireRequest, index: number) => WireReply;

export interface WireServerOptions {
  /** The one path the protocol serves (`/v1/messages`, `/v1/chat/completions`). */
  readonly path: string;
  /** Path the SDK client's base URL adds to the origin (`''` or `/v1`). */
  readonly basePath: string;
  /** An error body in the protocol's own shape. */
  readonly errorBody: (status: number, message: string) => unknown;
  readonly script?: WireScript;
  /** Keep every request in `requests`. Default true; a long benchmark turns it off. */
  readonly record?: boolean;
}

/**
 * A loopback HTTP server (127.0.0.1, a port from the OS) that answers one
 * provider protocol with queued or scripted replies and records every
 * request, for tests that drive the real SDK clients. Replies queued with
 * `reply()` go first, in order; then `script` answers; with neither, the
 * request is refused with a 400 in the protocol's error shape, which a
 * model call reports at once (no retry), so a missing reply fails a test
 * fast and visibly.
 */
export class WireServer {
  readonly requests: WireRequest[] = [];
  readonly #options: WireServerOptions;
  readonly #queue: WireReply[] = [];
  readonly #sockets = new Set<Socket>();
  #script: WireScript | undefined;
  #server: ReturnType<typeof createServer> | undefined;
  #origin = '';
  #served = 0;

  private constructor(options: WireServerOptions) {
    this.#options = options;
    this.#script = options.script;
  }

  static async start(options: WireServerOptions): Promise<WireServer> {
    const wire = new WireServer(options);
    await wire.#listen();
    return wire;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return this.#origin;
  }

  /** What to pass the SDK client (or the model config) as `baseURL`. */
  get baseURL(): string {
    return `${this.#origin}${this.#options.basePath}`;
  }

  /** Replies not used yet. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues replies, used in order before the script. */
  reply(...replies: readonly WireReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Answers the requests the queue does not. */
  script(script: WireScript): this {
    this.#script = script;
    return this;
  }

  /** Forgets the requests and queued replies, keeping the script. */
  reset(): void {
    this.requests.length = 0;
    this.#served = 0;
    this.#queue.length = 0;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
    });
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // kept as text: the test sees what was sent
    }
    const request: WireRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      headers: req.headers,
      body,
      receivedAt: performance.now(),
    };
    const index = this.#served++;
    if (this.#options.record !== false) this.requests.push(request);
    if (request.path !== this.#options.path || request.method !== 'POST') {
      send(
        res,
        404,
        this.#options.errorBody(404, `no route ${request.method} ${request.path} on this wire server`),
      );
      return;
    }
    const reply = this.#queue.shift() ?? this.#script?.(request, index);
    if (reply === undefined) {
      send(
        res,
        400,
        this.#options.errorBody(400, `the wire server has no reply scripted for request #${index}`),
      );
      return;
    }
    switch (reply.kind) {
      case 'hang':
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'json': {
        const payload =
          typeof reply.body === 'function'
            ? (reply.body as (r: WireRequest) => unknown)(request)
            : reply.body;
        if (reply.delayMs !== undefined && reply.delayMs > 0)
          await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        send(res, reply.status ?? 200, payload, reply.headers);
        return;
      }
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The JSON object a request sent (a test helper: throws when it is not one). */
export function bodyOf(request: WireRequest | undefined): Record<string, unknown> {
  const body = request?.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error(`the request body is not a JSON object: ${JSON.stringify(body)}`);
  return body as Record<string, unknown>;
}
