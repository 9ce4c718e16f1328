/** Thrown when the actions send more events for one input than allowed: a loop. */
export class WorkflowLoopError extends Error {
  override readonly name = 'WorkflowLoopError';

  constructor(agent: string, limit: number) {
    super(
      `agent "${agent}" handled ${limit} events for one input: an action probably sends events in a loop; ` +
        'fix the actions or raise maxEventsPerInput',
    );
  }
}
