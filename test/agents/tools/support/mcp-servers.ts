import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../services/free-port.ts';
import { ServerProcess, tailOfFile } from '../../../services/server-process.ts';
import { waitUntil } from '../../../services/wait-until.ts';

const require = createRequire(import.meta.url);

/** Entry scripts of the MCP servers installed from npm (run with this Node, not through a shell). */
export const EVERYTHING_SERVER = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

/** server-everything in its Streamable HTTP mode, as a child process on a free port. */
export interface EverythingHttpServer {
  readonly url: string;
  readonly process: ServerProcess;
  /** Everything it logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts server-everything over Streamable HTTP; retries on a fresh port if the one it got is taken. */
export async function startEverythingHttp(): Promise<EverythingHttpServer> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-mcp-everything-'));
  const logFile = join(dir, 'server.log');
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = await ServerProcess.spawn({
      command: process.execPath,
      args: [EVERYTHING_SERVER, 'streamableHttp'],
      cwd: dir,
      logFile,
      env: { ...process.env, PORT: String(port) },
      deathSignal: 'SIGKILL',
    });
    const url = `http://127.0.0.1:${port}/mcp`;
    // Any HTTP answer (400 without a session) means it listens.
    const failure = await waitUntil(async () => (await fetch(url)).status > 0, {
      timeoutMs: 20_000,
      abort: () => server.exitReason(),
    });
    if (failure === undefined)
      return {
        url,
        process: server,
        log: () => tailOfFile(logFile, 10_000),
        stop: async () => {
          await server.stop('SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    lastFailure = `${failure}\n${tailOfFile(logFile)}`;
    await server.stop('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`server-everything did not start over Streamable HTTP: ${lastFailure}`);
}
