import type { z } from 'zod';
import type { ToolDefinition } from '../models/chat-model.ts';
import { inputJsonSchema } from './input-json-schema.ts';
import { asJournalJson } from './json-value.ts';
import { runWithDeadline } from './run-with-deadline.ts';
import {
  DEFAULT_TOOL_TIMEOUT_MS,
  type Tool,
  type ToolCallContext,
  type ToolResult,
  type ToolSteps,
  toolError,
} from './tool.ts';
import { IdempotencyKeyRequiredError, ToolDefinitionError } from './tool-errors.ts';
import { issuesText, toolIssues } from './zod-issues.ts';

/** What a typed tool's function gets besides its input. */
export interface ToolRunContext<SideEffect extends boolean = boolean> {
  /** Aborted at the time limit or when the caller gives up: pass it to fetch, queries, child processes. */
  readonly signal: AbortSignal;
  /** The caller's idempotency key; always there for `sideEffect` tools. */
  readonly idempotencyKey: SideEffect extends true ? string : string | undefined;
  /** Journaled steps of this call, when an agent calls it (see `ToolCallContext.steps`). */
  readonly steps?: ToolSteps;
}

/** How to build a typed tool; see {@link tool}. */
export interface ToolSpec<Input extends z.ZodObject, Output extends z.ZodType, SideEffect extends boolean> {
  /** Letters, digits, `_` and `-`, at most 64 characters (what model providers accept). */
  readonly name: string;
  /** Tells the model when and how to use the tool. */
  readonly description: string;
  /** Validates the model's arguments; shown to the model as JSON Schema. */
  readonly input: Input;
  /** Validates (and may transform) what `run` returns; without it, any JSON value is accepted. */
  readonly output?: Output;
  /** The call changes something outside: callers must pass an idempotency key, `run` receives it. */
  readonly sideEffect?: SideEffect;
  /** An agent asks a human before each call (the agent enforces it). */
  readonly requiresApproval?: boolean;
  /** Time limit of one call; default 30 s. */
  readonly timeoutMs?: number;
  readonly run: (
    input: z.output<Input>,
    context: ToolRunContext<SideEffect>,
  ) => z.input<Output> | Promise<z.input<Output>>;
}

/** A tool made by {@link tool}; keeps its schemas for reuse. */
export interface TypedTool<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodType = z.ZodType>
  extends Tool {
  readonly input: Input;
  readonly output: Output | undefined;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A tool from a typed function. The model sees `input` as JSON Schema; its
 * arguments are validated before `run` (a mismatch is an `invalid_input`
 * result the model can read), the return value against `output` and JSON
 * (`invalid_output`), and `run` gets a signal aborted at the time limit
 * (`timeout`). A throw from `run` is a `failed` result carrying its message.
 *
 * @example
 * const weather = tool({
 *   name: 'get_weather',
 *   description: 'Current weather of a city',
 *   input: z.object({ city: z.string() }),
 *   output: z.object({ celsius: z.number() }),
 *   run: async ({ city }, { signal }) => (await fetch(`https://wttr.in/${city}?format=j1`, { signal })).json(),
 * });
 *
 * const send = tool({
 *   name: 'send_email',
 *   description: 'Sends an email',
 *   input: z.object({ to: z.email(), body: z.string() }),
 *   sideEffect: true,
 *   requiresApproval: true,
 *   run: ({ to, body }, { idempotencyKey }) => mailer.send({ to, body, dedupId: idempotencyKey }),
 * });
 */
export function tool<
  Input extends z.ZodObject,
  Output extends z.ZodType = z.ZodUnknown,
  const SideEffect extends boolean = false,
>(spec: ToolSpec<Input, Output, SideEffect>): TypedTool<Input, Output> {
  const name = spec.name;
  if (!TOOL_NAME.test(name))
    throw new ToolDefinitionError(
      name,
      'a name must be 1 to 64 letters, digits, _ or -, as model providers require',
    );
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  checkTimeout(name, timeoutMs);
  const definition: ToolDefinition = Object.freeze({
    name,
    description: spec.description,
    parameters: inputJsonSchema(name, spec.input),
  });
  const sideEffect = spec.sideEffect === true;

  async function call(input: unknown, context: ToolCallContext = {}): Promise<ToolResult> {
    context.signal?.throwIfAborted();
    const idempotencyKey = context.idempotencyKey;
    if (sideEffect && idempotencyKey === undefined) throw new IdempotencyKeyRequiredError(name);
    const limit = context.timeoutMs ?? timeoutMs;
    if (!isPositive(limit))
      throw new RangeError(`context.timeoutMs ${limit} is not a positive number of milliseconds`);

    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const issues = toolIssues(parsed.error);
      return toolError(
        'invalid_input',
        `invalid arguments for tool "${name}": ${issuesText(issues)}; call it again with arguments that match its parameters`,
        { issues },
      );
    }
    // The conditional key type cannot be narrowed by `sideEffect` inside the function; checked above.
    const runContext = {
      idempotencyKey,
      ...(context.steps ? { steps: context.steps } : {}),
    } as ToolRunContext<SideEffect>;
    const outcome = await runWithDeadline(
      (signal) => spec.run(parsed.data, { ...runContext, signal }),
      limit,
      context.signal,
    );
    if (outcome.kind === 'timeout')
      return toolError(
        'timeout',
        `tool "${name}" did not finish within ${limit} ms and was cancelled; try again later or ask for less`,
      );
    if (outcome.kind === 'threw') {
      const why = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      return toolError('failed', `tool "${name}" failed: ${why}`);
    }

    let value: unknown = outcome.value;
    if (spec.output !== undefined) {
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        const issues = toolIssues(checked.error);
        return toolError(
          'invalid_output',
          `tool "${name}" returned a result that breaks its own output schema (${issuesText(issues)}); the fault is in the tool, not in your arguments`,
          { issues },
        );
      }
      value = checked.data;
    }
    const json = asJournalJson(value);
    if ('problem' in json)
      return toolError(
        'invalid_output',
        `tool "${name}" returned a result that is not plain JSON (${json.problem}); the fault is in the tool, not in your arguments`,
      );
    return { ok: true, value: json.json };
  }

  return Object.freeze({
    name,
    definition,
    sideEffect,
    requiresApproval: spec.requiresApproval === true,
    timeoutMs,
    input: spec.input,
    output: spec.output,
    call,
  });
}

function isPositive(ms: number): boolean {
  return Number.isFinite(ms) && ms > 0;
}

function checkTimeout(name: string, timeoutMs: number): void {
  if (!isPositive(timeoutMs))
    throw new ToolDefinitionError(
      name,
      `time limit ${timeoutMs} ms is not a positive number of milliseconds`,
    );
}
