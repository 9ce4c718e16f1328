import { connect, createServer, type Server, type Socket } from 'node:net';

/** A JetStream delivery: a message whose reply subject is the consumer's ack subject. */
const DELIVERY = /^H?MSG \S+ \S+ \$JS\.ACK\./;

/**
 * A TCP proxy in front of a NATS server that can lose JetStream deliveries on
 * their way to the client, as a flaky network or a dying connection does:
 * `drop` loses single deliveries while the connection stays up, `swallow`
 * loses every delivery until `cut` drops the connection (the client then
 * reconnects through the proxy). It parses the server's protocol stream
 * (MSG/HMSG frames and control lines) and forwards everything else verbatim.
 * Deliveries are counted as they pass the proxy, which is ahead of what the
 * client has handed out (a pull brings a whole batch).
 *
 * @example
 * const proxy = await NatsProxy.start(nats.url);
 * proxy.drop(51); // the 51st delivery through the proxy never arrives
 */
export class NatsProxy {
  readonly #server: Server;
  readonly #upstream: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  /** Deliveries forwarded or lost since the proxy started. */
  #deliveries = 0;
  readonly #drops = new Set<number>();
  #swallowFrom = Number.POSITIVE_INFINITY;
  /** Deliveries lost so far. */
  lost = 0;

  private constructor(server: Server, upstream: { host: string; port: number }) {
    this.#server = server;
    this.#upstream = upstream;
  }

  static async start(natsUrl: string): Promise<NatsProxy> {
    const target = new URL(natsUrl.replace(/^nats:/, 'http:'));
    const server = createServer();
    const proxy = new NatsProxy(server, { host: target.hostname, port: Number(target.port || 4222) });
    server.on('connection', (client) => proxy.#pipe(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.#server.address();
    return `nats://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Deliveries seen so far (forwarded or lost). */
  get deliveries(): number {
    return this.#deliveries;
  }

  /** Loses the `n`th delivery through the proxy (counting from 1 since it started). */
  drop(n: number): void {
    this.#drops.add(n);
  }

  /** Loses the `n`th delivery and every one after it, until `cut`. */
  swallowFrom(n: number): void {
    this.#swallowFrom = n;
  }

  /** Drops every connection (what was in flight on them is gone); the proxy keeps listening. */
  cut(): void {
    this.#swallowFrom = Number.POSITIVE_INFINITY;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(client: Socket): void {
    const server = connect(this.#upstream.port, this.#upstream.host);
    this.#sockets.add(client);
    this.#sockets.add(server);
    const end = (): void => {
      client.destroy();
      server.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(server);
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    client.on('data', (chunk) => server.write(chunk));
    let pending = Buffer.alloc(0);
    server.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      for (;;) {
        const frame = frameLength(pending, at);
        if (frame === undefined) break;
        const bytes = pending.subarray(at, at + frame);
        at += frame;
        if (this.#keep(bytes)) client.write(bytes);
      }
      pending = pending.subarray(at);
    });
  }

  #keep(frame: Buffer): boolean {
    const line = frame.subarray(0, Math.min(frame.length, 512)).toString('latin1');
    if (!DELIVERY.test(line)) return true;
    const n = ++this.#deliveries;
    if (n >= this.#swallowFrom || this.#drops.delete(n)) {
      this.lost++;
      return false;
    }
    return true;
  }
}

/** The length of the complete frame at `at` (control line plus payload), or undefined if it is not all here. */
function frameLength(buffer: Buffer, at: number): number | undefined {
  const eol = buffer.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buffer.subarray(at, eol).toString('latin1');
  const head = eol + 2 - at;
  // MSG and HMSG end their control line with the payload's size (headers included).
  const op = line.slice(0, line.indexOf(' '));
  const payload = op === 'MSG' || op === 'HMSG' ? Number(line.slice(line.lastIndexOf(' ') + 1)) + 2 : 0;
  if (buffer.length - at < head + payload) return undefined;
  return head + payload;
}
