import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { TraceSink } from './trace.ts';

/** Where an agent's step runs: which agent and run it belongs to, and where its trace goes. */
export interface StepScope {
  /** The agent's actor name, for the trace. */
  readonly agent: string;
  /** The run the step belongs to, for the trace. */
  readonly runId: string;
  /** A step journals its result through `run`; it needs nothing else of the actor's ctx. */
  readonly ctx: Pick<ActorContext, 'key' | 'run'>;
  readonly trace: TraceSink | undefined;
}
