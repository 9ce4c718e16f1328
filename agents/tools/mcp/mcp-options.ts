import type { Logger } from '../../../core/logger.ts';
import type { Tool } from '../tool.ts';

/**
 * How to reach an MCP server. `stdio` starts it as a child process (which
 * gets only HOME, LOGNAME, PATH, SHELL, TERM and USER from this process, plus
 * `env`); `http` connects to a Streamable HTTP endpoint.
 */
export type McpTransportOptions =
  | {
      readonly type: 'stdio';
      readonly command: string;
      readonly args?: readonly string[];
      readonly env?: Readonly<Record<string, string>>;
      readonly cwd?: string;
    }
  | {
      readonly type: 'http';
      readonly url: string | URL;
      /** Sent with every request, e.g. `Authorization`. */
      readonly headers?: Readonly<Record<string, string>>;
    };

/** What the server cannot tell us about one of its tools. */
export interface McpToolOptions {
  /**
   * The tool changes something outside, so calls need an idempotency key
   * (sent to the server as `_meta["eddy/idempotency-key"]`). Default: true
   * unless the server marks the tool `readOnlyHint`.
   */
  readonly sideEffect?: boolean;
  /** An agent asks a human before each call. Default: false. */
  readonly requiresApproval?: boolean;
  /** Time limit of one call; default the server's `timeoutMs`. */
  readonly timeoutMs?: number;
}

/** How to connect to an MCP server; see {@link connectMcp}. */
export interface McpOptions {
  /** Names the server in error messages and logs. */
  readonly name: string;
  readonly transport: McpTransportOptions;
  /** Offer only these tools (the server's names, without `prefix`); default all. */
  readonly allow?: readonly string[];
  /** Put before every tool name the model sees, to keep servers' names apart (e.g. `fs_`). */
  readonly prefix?: string;
  /** Per tool, by the server's name. */
  readonly tools?: Readonly<Record<string, McpToolOptions>>;
  /** Time limit of one tool call; default 30 s. */
  readonly timeoutMs?: number;
  /** Time limit of connecting and of listing tools; default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Gets the server's stderr (debug), refresh failures and unexpected disconnects (warn). */
  readonly logger?: Logger;
  /** Called when a refresh found the tools changed (after `notifications/tools/list_changed`). */
  readonly onToolsChanged?: (tools: readonly Tool[]) => void;
}
