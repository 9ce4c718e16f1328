import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  type Tool as McpTool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { type Logger, silentLogger } from '../../../core/logger.ts';
import {
  DEFAULT_TOOL_TIMEOUT_MS,
  type Tool,
  type ToolCallContext,
  type ToolResult,
  type ToolSource,
  toolError,
} from '../tool.ts';
import { IdempotencyKeyRequiredError } from '../tool-errors.ts';
import { McpConnectError } from './mcp-connect-error.ts';
import type { McpOptions } from './mcp-options.ts';
import { fromCallError, fromCallResult } from './mcp-results.ts';
import { type OpenedTransport, openTransport } from './mcp-transport.ts';

/** Where an MCP tool call carries the caller's idempotency key. */
export const IDEMPOTENCY_META_KEY = 'eddy/idempotency-key';

const CLIENT_INFO = { name: 'eddy', version: '0.1.0' };
/** A server that keeps sending cursors is broken; stop rather than loop forever. */
const MAX_LIST_PAGES = 1_000;

interface Entry {
  readonly tool: Tool;
  readonly remote: McpTool;
  readonly validateInput: JsonSchemaValidator<unknown> | undefined;
  readonly validateOutput: JsonSchemaValidator<unknown> | undefined;
}

/**
 * The tools of one connected MCP server, discovered at run time and refreshed
 * when the server sends `notifications/tools/list_changed`. Made by
 * {@link connectMcp}; close it when done (a stdio server process is ended).
 */
export class McpToolSource implements ToolSource {
  /** The `name` given in the options. */
  readonly name: string;
  readonly #options: McpOptions;
  readonly #client: Client;
  readonly #opened: OpenedTransport;
  readonly #logger: Logger;
  readonly #validators = new AjvJsonSchemaValidator();
  #entries: ReadonlyMap<string, Entry> = new Map();
  #signature: string | undefined;
  #disconnected: string | undefined;
  #closing: Promise<void> | undefined;
  #queuedRefresh: Promise<void> | undefined;
  #lastRefresh: Promise<void> = Promise.resolve();

  private constructor(options: McpOptions, client: Client, opened: OpenedTransport, logger: Logger) {
    this.name = options.name;
    this.#options = options;
    this.#client = client;
    this.#opened = opened;
    this.#logger = logger;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.refresh().catch((error: unknown) => {
        this.#logger.warn(
          { mcpServer: this.name, err: error },
          'refreshing MCP tools failed; keeping the old list',
        );
      });
    });
    client.onclose = () => {
      if (this.#disconnected !== undefined) return;
      this.#disconnected = 'the server closed the connection';
      this.#logger.warn(
        { mcpServer: this.name, stderr: this.#opened.stderrTail() },
        'MCP server closed the connection',
      );
    };
    client.onerror = (error) => {
      this.#logger.debug({ mcpServer: this.name, err: error }, 'MCP transport error');
    };
  }

  /** Connects and lists the tools; see {@link connectMcp}. */
  static async connect(options: McpOptions): Promise<McpToolSource> {
    for (const ms of [options.timeoutMs, options.connectTimeoutMs])
      if (ms !== undefined && !(Number.isFinite(ms) && ms > 0))
        throw new RangeError(`MCP server "${options.name}": time limit ${ms} ms is not a positive number`);
    const logger = options.logger ?? silentLogger;
    const opened = openTransport(options.transport, options.name, logger);
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const source = new McpToolSource(options, client, opened, logger);
    try {
      await client.connect(opened.transport, { timeout: source.#connectTimeoutMs });
      await source.refresh();
    } catch (error) {
      await source.close().catch(() => {});
      throw new McpConnectError(options.name, opened.target, error, opened.stderrTail());
    }
    return source;
  }

  /** The allowed tools the server offers right now (the last list seen, if the server went away). */
  tools(): readonly Tool[] {
    return [...this.#entries.values()].map((e) => e.tool);
  }

  /** False once closed, or after the server went away (tool calls then give `unavailable`). */
  get connected(): boolean {
    return this.#disconnected === undefined;
  }

  /**
   * Lists the tools again (all pages). Refreshes run one at a time; calls made
   * while one runs share the next. Rejects if the listing fails, keeping the
   * previous tools.
   */
  async refresh(): Promise<readonly Tool[]> {
    let queued = this.#queuedRefresh;
    if (queued === undefined) {
      // Starts after the running listing; once it starts, later calls queue another (the list may have changed since).
      queued = this.#lastRefresh.then(() => {
        this.#queuedRefresh = undefined;
        return this.#load();
      });
      this.#queuedRefresh = queued;
      this.#lastRefresh = queued.catch(() => {});
    }
    await queued;
    return this.tools();
  }

  /**
   * Ends the session (HTTP) or the server process (stdio: stdin closed, then
   * SIGTERM, then SIGKILL) and waits for it. Calls made afterwards give
   * `unavailable`. Safe to call twice.
   */
  close(): Promise<void> {
    this.#disconnected ??= 'the connection was closed by this application';
    this.#closing ??= (async () => {
      await this.#opened.endSession();
      await this.#client.close();
      await this.#opened.exited();
    })();
    return this.#closing;
  }

  get #connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  async #load(): Promise<void> {
    if (this.#disconnected !== undefined) throw new Error(`MCP server "${this.name}": ${this.#disconnected}`);
    const listed: McpTool[] = [];
    if (this.#client.getServerCapabilities()?.tools !== undefined) {
      let cursor: string | undefined;
      let pages = 0;
      do {
        if (++pages > MAX_LIST_PAGES)
          throw new Error(`MCP server "${this.name}" listed more than ${MAX_LIST_PAGES} pages of tools`);
        const page = await this.#client.listTools(cursor === undefined ? {} : { cursor }, {
          timeout: this.#connectTimeoutMs,
        });
        listed.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    const entries = new Map<string, Entry>();
    const allow = this.#options.allow === undefined ? undefined : new Set(this.#options.allow);
    for (const remote of listed) {
      if (allow !== undefined && !allow.has(remote.name)) continue;
      // Such tools only answer task-augmented calls, which a plain tool call is not.
      if (remote.execution?.taskSupport === 'required') continue;
      if (entries.has(remote.name)) {
        this.#logger.warn({ mcpServer: this.name, tool: remote.name }, 'MCP server lists a tool twice');
        continue;
      }
      entries.set(remote.name, this.#entry(remote));
    }
    const signature = JSON.stringify(
      [...entries.values()].map((e) => [e.tool.definition, e.remote.outputSchema]),
    );
    const changed = this.#signature !== undefined && signature !== this.#signature;
    this.#entries = entries;
    this.#signature = signature;
    if (changed) this.#options.onToolsChanged?.(this.tools());
  }

  #entry(remote: McpTool): Entry {
    const options = this.#options.tools?.[remote.name] ?? {};
    const name = (this.#options.prefix ?? '') + remote.name;
    const tool: Tool = Object.freeze({
      name,
      definition: Object.freeze({
        name,
        description: remote.description ?? remote.title ?? '',
        parameters: remote.inputSchema,
      }),
      sideEffect: options.sideEffect ?? remote.annotations?.readOnlyHint !== true,
      requiresApproval: options.requiresApproval ?? false,
      timeoutMs: options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      call: (input: unknown, context?: ToolCallContext) => this.#call(remote.name, input, context),
    });
    return {
      tool,
      remote,
      validateInput: this.#validator(remote.name, remote.inputSchema),
      validateOutput:
        remote.outputSchema === undefined ? undefined : this.#validator(remote.name, remote.outputSchema),
    };
  }

  /** Undefined when the schema does not compile: the server then judges the input alone. */
  #validator(tool: string, schema: McpTool['inputSchema']): JsonSchemaValidator<unknown> | undefined {
    try {
      // The SDK's own Tool type misses `| undefined` on optional fields that JsonSchemaType (exact optional) wants.
      return this.#validators.getValidator<unknown>(schema as JsonSchemaType);
    } catch (error) {
      this.#logger.warn({ mcpServer: this.name, tool, err: error }, 'cannot compile an MCP tool schema');
      return undefined;
    }
  }

  async #call(remoteName: string, input: unknown, context: ToolCallContext = {}): Promise<ToolResult> {
    context.signal?.throwIfAborted();
    const shown = (this.#options.prefix ?? '') + remoteName;
    if (this.#disconnected !== undefined)
      return toolError(
        'unavailable',
        `MCP server "${this.name}" is not connected (${this.#disconnected}); tool "${shown}" cannot be used now`,
      );
    const entry = this.#entries.get(remoteName);
    if (entry === undefined)
      return toolError('unknown_tool', `MCP server "${this.name}" no longer offers tool "${shown}"`);
    const key = context.idempotencyKey;
    if (entry.tool.sideEffect && key === undefined) throw new IdempotencyKeyRequiredError(shown);
    const limit = context.timeoutMs ?? entry.tool.timeoutMs;
    if (!(Number.isFinite(limit) && limit > 0))
      throw new RangeError(`context.timeoutMs ${limit} is not a positive number of milliseconds`);

    if (!isPlainObject(input))
      return toolError('invalid_input', `the arguments of tool "${shown}" must be a JSON object`);
    const checked = entry.validateInput?.(input);
    if (checked !== undefined && !checked.valid)
      return toolError(
        'invalid_input',
        `invalid arguments for tool "${shown}": ${checked.errorMessage.replace(/(^|, )data(?=[/ ])/g, '$1arguments')}; call it again with arguments that match its parameters`,
      );

    let result: CallToolResult;
    try {
      result = await this.#callRemote(remoteName, input, key, limit, context.signal);
    } catch (error) {
      if (context.signal?.aborted) throw context.signal.reason;
      return fromCallError(this.name, shown, limit, error);
    }
    return fromCallResult(shown, result, {
      declared: entry.remote.outputSchema !== undefined,
      validate: entry.validateOutput,
    });
  }

  #callRemote(
    name: string,
    args: Record<string, unknown>,
    key: string | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<CallToolResult> {
    return this.#client.request(
      {
        method: 'tools/call',
        params: {
          name,
          arguments: args,
          ...(key === undefined ? {} : { _meta: { [IDEMPOTENCY_META_KEY]: key } }),
        },
      },
      CallToolResultSchema,
      { timeout, ...(signal === undefined ? {} : { signal }) },
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
