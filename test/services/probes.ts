import { connect } from 'node:net';

/**
 * Whether something accepts TCP connections on 127.0.0.1:`port`.
 *
 * @example
 * await acceptsTcp(4222); // true once nats-server listens
 */
export function acceptsTcp(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether a GET of `url` answers with a 2xx status.
 *
 * @example
 * await answersOk('http://127.0.0.1:8222/healthz?js-enabled-only=true');
 */
export async function answersOk(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
