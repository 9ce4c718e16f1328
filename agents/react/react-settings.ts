import type { ZodType } from 'zod';
import type { Json } from '../../core/store/store.ts';
import type { ChatModel, ChatParameters } from '../models/chat-model.ts';
import type { TraceSink } from '../steps/trace.ts';
import type { Toolset } from '../tools/toolset.ts';
import type { ConversationSettings } from './conversation-memory.ts';

/** A ReAct agent's options with their defaults resolved: what the loop runs with. */
export interface ReactSettings {
  readonly name: string;
  readonly model: ChatModel;
  readonly system: string | undefined;
  readonly tools: Toolset;
  readonly output: ZodType<Json> | undefined;
  readonly maxSteps: number;
  readonly maxRepairs: number;
  readonly parameters: ChatParameters | undefined;
  readonly approvalTimeoutMs: number;
  readonly trace: TraceSink | undefined;
  /** Short-term memory across questions; undefined: each question on its own. */
  readonly conversation: ConversationSettings | undefined;
}
