import { createHash } from 'node:crypto';
import { z } from 'zod';
import { inputJsonSchema } from '../../agents/tools/input-json-schema.ts';
import {
  DEFAULT_TOOL_TIMEOUT_MS,
  type Tool,
  type ToolCallContext,
  type ToolResult,
  toolError,
} from '../../agents/tools/tool.ts';
import type { ActorMemory } from '../actor/actor-memory.ts';
import { keyNamespace } from '../long-term/namespace.ts';
import { vectorProblem } from '../long-term/vector-text.ts';

const RememberInput = z.object({
  text: z.string().min(1).max(8_000).describe('What to remember, in a sentence or a few'),
  tags: z.array(z.string().max(40)).max(8).optional().describe('Words to find it by later'),
});
const RecallInput = z.object({
  query: z.string().min(1).max(2_000).describe('What to look for'),
  k: z.number().int().min(1).max(20).optional().describe('How many memories, at most (default 5)'),
});

export interface MemoryToolsOptions {
  /** Shared namespaces `recall` searches besides the caller's own (a team's runbooks). */
  readonly shared?: readonly string[];
  /** Tool names; default `remember` and `recall`. */
  readonly names?: { readonly remember?: string; readonly recall?: string };
}

/**
 * `remember` and `recall` as tools for a ReAct agent (or a workflow agent's
 * tool requests): each key of the agent remembers in its own namespace.
 * `remember` embeds the text during the call and hands the write back to
 * the agent, which journals it with the call's result and commits it with
 * its events, so a crash never loses or doubles it and a replay never embeds
 * it again; `recall` searches the key's memories (and the shared ones),
 * hybrid, and its result is journaled like any tool's.
 *
 * @example
 * ```ts
 * const agent = reactAgent({ name: 'support', model, tools: [...memoryTools(notes, { shared: ['team:support'] })], ... });
 * ```
 */
export function memoryTools(memory: ActorMemory, options: MemoryToolsOptions = {}): readonly Tool[] {
  return [rememberTool(memory, options.names?.remember ?? 'remember'), recallTool(memory, options)];
}

/** A tool of the caller's memory: its input checked, the caller required. */
function memoryTool<I extends z.ZodObject>(spec: {
  readonly name: string;
  readonly description: string;
  readonly input: I;
  readonly run: (
    input: z.output<I>,
    caller: NonNullable<ToolCallContext['caller']>,
    signal: AbortSignal | undefined,
  ) => Promise<ToolResult>;
}): Tool {
  const { name } = spec;
  return {
    name,
    definition: { name, description: spec.description, parameters: inputJsonSchema(name, spec.input) },
    sideEffect: false,
    requiresApproval: false,
    timeoutMs: DEFAULT_TOOL_TIMEOUT_MS,
    async call(input: unknown, context: ToolCallContext = {}): Promise<ToolResult> {
      context.signal?.throwIfAborted();
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
        return toolError('invalid_input', `invalid arguments for "${name}": ${issues.join('; ')}`);
      }
      if (context.caller === undefined) {
        return toolError('failed', `"${name}" runs only inside an agent (it needs the caller's key)`);
      }
      return spec.run(parsed.data, context.caller, context.signal);
    },
  };
}

function rememberTool(memory: ActorMemory, name: string): Tool {
  const { collection, embedder } = memory;
  return memoryTool({
    name,
    description:
      'Remember a fact for later conversations with this customer or case. Use it for things worth recalling.',
    input: RememberInput,
    run: async ({ text, tags }, caller, signal) => {
      let embedding: number[];
      try {
        embedding = [...((await embedder.embed([text], signal ? { signal } : {})).vectors[0] ?? [])];
      } catch (error) {
        return toolError('unavailable', `the embedder could not be reached: ${messageOf(error)}`);
      }
      const problem = vectorProblem(embedding, collection.dimensions);
      if (problem !== undefined) return toolError('failed', `${embedder.id}: ${problem}`);
      const id = createHash('sha256').update(text).digest('base64url').slice(0, 22);
      return {
        ok: true,
        value: { remembered: id },
        memory: [
          {
            kind: 'upsert',
            row: {
              collection: collection.name,
              namespace: keyNamespace(caller.actor, caller.key),
              id,
              text,
              embedding,
              metadata: tags === undefined ? {} : { tags },
              at: Date.now(),
              expiresAt: null,
            },
          },
        ],
      };
    },
  });
}

function recallTool(memory: ActorMemory, options: MemoryToolsOptions): Tool {
  const { collection, embedder } = memory;
  return memoryTool({
    name: options.names?.recall ?? 'recall',
    description:
      'Recall what was remembered about this customer or case (and the shared notes) that matches a query.',
    input: RecallInput,
    run: async ({ query, k }, caller, signal) => {
      try {
        const [embedding] = (await embedder.embed([query], signal ? { signal } : {})).vectors;
        const hits = await collection.recall({
          namespaces: [keyNamespace(caller.actor, caller.key), ...(options.shared ?? [])],
          embedding: [...(embedding ?? [])],
          text: query,
          k: k ?? 5,
        });
        const value = hits.map((h) => ({
          id: h.record.id,
          text: h.record.text,
          score: Math.round(h.score * 1000) / 1000,
        }));
        return { ok: true, value };
      } catch (error) {
        return toolError('unavailable', `memory could not be searched: ${messageOf(error)}`);
      }
    },
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
