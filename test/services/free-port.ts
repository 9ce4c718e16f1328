import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on 127.0.0.1 right now.
 *
 * Another process may take it before the caller binds it, so servers started on
 * a port from here retry with a fresh one when the bind fails.
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((error) => {
        if (error) reject(error);
        else if (port === 0) reject(new Error('the OS returned no port for 127.0.0.1:0'));
        else resolve(port);
      });
    });
  });
}
