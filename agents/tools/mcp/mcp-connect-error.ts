/**
 * Connecting to an MCP server, or listing its tools at connect time, failed.
 * For a stdio server the message ends with the last lines it wrote to stderr,
 * which usually say why (bad arguments, missing directory, crash).
 *
 * @example
 * try { await connectMcp(options); }
 * catch (e) { if (e instanceof McpConnectError) log.error({ server: e.server }, e.message); }
 */
export class McpConnectError extends Error {
  override readonly name = 'McpConnectError';
  readonly server: string;

  constructor(server: string, target: string, cause: unknown, stderrTail: string) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const stderr = stderrTail === '' ? '' : `\nlast stderr of the server:\n${stderrTail}`;
    super(
      `could not connect to MCP server "${server}" (${target}): ${why}; check that the command or URL is right and the server starts on its own${stderr}`,
      { cause },
    );
    this.server = server;
  }
}
