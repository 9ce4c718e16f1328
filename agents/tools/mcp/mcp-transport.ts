import { setTimeout as sleep } from 'node:timers/promises';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from '../../../core/logger.ts';
import type { McpTransportOptions } from './mcp-options.ts';

/** A client transport plus what closing and error messages need from it. */
export interface OpenedTransport {
  readonly transport: Transport;
  /** Where it goes, for messages: the command or the URL. */
  readonly target: string;
  /** The last lines the stdio server wrote to stderr; empty for HTTP. */
  stderrTail(): string;
  /** Ends the server-side session before the transport closes (HTTP); never rejects. */
  endSession(): Promise<void>;
  /** After the transport closed: resolves once the stdio server process is gone (SIGKILL as a last resort). */
  exited(): Promise<void>;
}

const STDERR_TAIL_CHARS = 4_000;
const END_SESSION_TIMEOUT_MS = 5_000;
/** The SDK's close takes up to 4 s (stdin closed, 2 s, SIGTERM, 2 s, SIGKILL); wait a little longer. */
const EXIT_WAIT_MS = 5_000;

/** Remembers the pid: the SDK forgets it at close, and after a failed connect closes on its own without being awaited. */
class PidKeepingStdioTransport extends StdioClientTransport {
  startedPid: number | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.startedPid = this.pid ?? undefined;
  }
}

export function openTransport(options: McpTransportOptions, server: string, logger: Logger): OpenedTransport {
  if (options.type === 'stdio') {
    const transport = new PidKeepingStdioTransport({
      command: options.command,
      args: [...(options.args ?? [])],
      ...(options.env === undefined ? {} : { env: { ...options.env } }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      // Piped, never inherited: the tail explains failed starts, and it must be read or the server blocks on a full pipe.
      stderr: 'pipe',
    });
    let tail = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-STDERR_TAIL_CHARS);
      logger.debug({ mcpServer: server, stderr: text }, 'MCP server stderr');
    });
    return {
      transport,
      target: [options.command, ...(options.args ?? [])].join(' '),
      stderrTail: () => tail.trimEnd(),
      endSession: async () => {},
      exited: () => processGone(transport.startedPid),
    };
  }
  const url = new URL(options.url);
  const transport = new StreamableHTTPClientTransport(url, {
    ...(options.headers === undefined ? {} : { requestInit: { headers: { ...options.headers } } }),
  });
  return {
    transport,
    target: url.href,
    stderrTail: () => '',
    endSession: async () => {
      // A server that is gone or hangs must not keep close() from finishing.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, END_SESSION_TIMEOUT_MS);
      });
      try {
        await Promise.race([transport.terminateSession().catch(() => {}), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    exited: async () => {},
  };
}

async function processGone(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return; // gone meanwhile
      }
    }
    await sleep(20);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH, or EPERM: the pid now belongs to someone else's process, so ours is gone.
    return false;
  }
}
