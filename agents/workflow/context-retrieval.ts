import type { Json } from '../../core/store/store.ts';
import type { BuiltinEvent } from './builtin-events.ts';
import type { WorkflowScope } from './workflow-steps.ts';

export type { ContextRetriever } from './workflow-settings.ts';

type Request = Extract<BuiltinEvent, { type: 'ContextRetrievalRequest' }>;
type Response = Extract<BuiltinEvent, { type: 'ContextRetrievalResponse' }>;

/**
 * The built-in answer to a `ContextRetrievalRequest` (Flink Agents'
 * ContextRetrievalRequest/Response): the retriever's matches, as a journaled
 * step, so a re-run or a replay reads the same context back. A failure is an
 * `error` in the response, for the workflow to handle.
 */
export async function retrievalAction<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: Request,
): Promise<Response> {
  const { ctx, settings } = scope;
  const retrieve = settings.retrieve;
  const base = { type: 'ContextRetrievalResponse' as const, id: request.id, query: request.query };
  if (retrieve === undefined) {
    return {
      ...base,
      matches: [],
      error: `agent "${settings.name}" has no retriever: pass retrieve in its options`,
    };
  }
  return ctx.run(`retrieve:${request.id}`, async () => {
    try {
      const matches = await retrieve({
        query: request.query,
        k: request.k ?? 5,
        actor: ctx.actor,
        key: ctx.key,
      });
      return { ...base, matches: [...matches], error: null };
    } catch (error) {
      return { ...base, matches: [], error: error instanceof Error ? error.message : String(error) };
    }
  });
}
