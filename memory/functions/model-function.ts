import type { z } from 'zod';
import type { ChatMessage, ChatModel, ChatParameters } from '../../agents/models/chat-model.ts';
import type { Json } from '../../core/store/store.ts';

/**
 * A registered model (Flink's CREATE MODEL): a name, the chat model it runs
 * on, what it takes and gives (zod schemas, checked both ways), and how a
 * record becomes a prompt. Defined once, used by name in many pipelines with
 * `predict`.
 *
 * @example
 * ```ts
 * const triage = defineModel({
 *   name: 'triage',
 *   model: 'openai:gpt-4o-mini',
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ urgent: z.boolean(), reason: z.string() }),
 *   system: 'You triage support tickets.',
 *   prompt: (t) => `Ticket: ${t.text}`,
 * });
 * ```
 */
export interface ModelFunction<I = unknown, O extends Json = Json> {
  readonly name: string;
  /** The chat model; resolved once, on first use (a spec string is read with `chatModel`). */
  readonly model: () => ChatModel;
  readonly input: z.ZodType<I>;
  readonly output: z.ZodType<O>;
  /** The messages for one record: the system prompt, then the record's prompt. */
  readonly messages: (input: I) => readonly ChatMessage[];
  readonly parameters: ChatParameters;
}
