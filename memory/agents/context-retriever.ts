import type { ContextRetriever } from '../../agents/workflow/workflow-settings.ts';
import type { ActorMemory } from '../actor/actor-memory.ts';
import { keyNamespace } from '../long-term/namespace.ts';

/**
 * A workflow agent's retriever over long-term memory: a
 * `ContextRetrievalRequest` finds the key's own memories and the shared ones
 * like its query (hybrid: vectors and words). The agent journals what it got.
 *
 * @example
 * ```ts
 * workflowAgent({ name: 'ops', retrieve: contextRetriever(runbooks, { shared: ['team:sre'] }), ... });
 * ```
 */
export function contextRetriever(
  memory: ActorMemory,
  options: { readonly shared?: readonly string[]; readonly own?: boolean } = {},
): ContextRetriever {
  return async ({ query, k, actor, key }) => {
    const [embedding] = (await memory.embedder.embed([query])).vectors;
    const hits = await memory.collection.recall({
      namespaces: [...(options.own === false ? [] : [keyNamespace(actor, key)]), ...(options.shared ?? [])],
      embedding: [...(embedding ?? [])],
      text: query,
      k,
    });
    return hits.map((h) => ({
      id: h.record.id,
      namespace: h.record.namespace,
      text: h.record.text,
      metadata: h.record.metadata,
      score: h.score,
    }));
  };
}
