import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * An MCP server built with the SDK, served over a real Streamable HTTP
 * endpoint on 127.0.0.1, one server instance per session (as the SDK wants).
 * Tests reach into `sessions` to change tools while a client is connected.
 */
export interface InProcessMcpServer<S> {
  readonly url: string;
  /** Server instances by session, in the order clients connected. */
  readonly sessions: readonly S[];
  /** Session ids the clients ended with DELETE. */
  readonly terminated: readonly string[];
  close(): Promise<void>;
}

export async function serveMcp<S extends McpServer | Server>(
  create: () => S,
): Promise<InProcessMcpServer<S>> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const sessions: S[] = [];
  const terminated: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (existing !== undefined) return existing.handleRequest(req, res);
    if (sessionId !== undefined || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const server = create();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
      onsessionclosed: (id) => {
        terminated.push(id);
        transports.delete(id);
      },
    });
    sessions.push(server);
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP server has no port');

  return {
    url: `http://127.0.0.1:${address.port}/mcp`,
    sessions,
    terminated,
    close: async () => {
      await Promise.all([...sessions].map((s) => s.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
