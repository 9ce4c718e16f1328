import type { ZodType } from 'zod';
import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { Envelope } from '../envelope.ts';
import type { PipelineConfig } from '../pipeline/config.ts';
import type { Json } from '../store/store.ts';

/**
 * A one-actor stage: where it runs (a pipeline's settings) and what: an input
 * subject, an actor, an output subject.
 */
export interface StageOptions<S extends Json, I, E extends ActorEvent, O extends Json>
  extends PipelineConfig {
  /** Input subject; its topic must exist (see `Log.ensureTopic`). */
  readonly input: string;
  /** Output subject for `ctx.emit`; its topic is created with `outputPartitions`. */
  readonly output?: string;
  readonly actor: ActorDefinition<S, I, E, O>;
  /** Input schema for the default JSON decoder. */
  readonly schema?: ZodType<I>;
  /** Replaces the JSON decoder. */
  readonly decode?: (payload: Uint8Array, envelope: Envelope<Uint8Array>) => I;
}
