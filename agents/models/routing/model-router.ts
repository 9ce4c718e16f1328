import type { ChatModel, ChatRequest, ChatResponse } from '../chat-model.ts';

/** One route: the model to ask when `when` says so (no `when`: always), and whom to ask when it keeps failing. */
export interface ModelRoute {
  readonly model: ChatModel;
  readonly when?: (request: ChatRequest) => boolean;
  /** Asked in order when the model fails (after its own retries) or is cooling down. */
  readonly fallbacks?: readonly ChatModel[];
}

export interface ModelRouterOptions {
  /** The router's id is `router:<name>`. */
  readonly name: string;
  /** The first route whose `when` holds is taken; the last one is the default. */
  readonly routes: readonly [ModelRoute, ...ModelRoute[]];
  /** After this many failures in a row a model is skipped for `coolDownMs`. Default 3. */
  readonly failures?: number;
  readonly coolDownMs?: number;
  readonly clock?: () => number;
}

/** The characters of a request's messages: the size rule of a cheap-model-first policy. */
export const requestChars = (request: ChatRequest) =>
  request.messages.reduce((n, m) => n + m.content.length, 0);

/**
 * A model that picks a model per request: by rule (its size, whether it
 * offers tools, a cheap-model-first policy), falling back to the next
 * provider when the chosen one fails, and skipping a model that keeps
 * failing for a while. The answer says which model gave it (`model`), and an
 * agent journals the answer, so a replay reads the same route back instead of
 * choosing again.
 *
 * @example
 * ```ts
 * const model = modelRouter({
 *   name: 'support',
 *   routes: [
 *     { model: chatModel('openai:gpt-4o-mini'), when: (r) => requestChars(r) < 4_000 && !r.tools?.length,
 *       fallbacks: [chatModel('anthropic:claude-haiku-4-5')] },
 *     { model: chatModel('anthropic:claude-sonnet-4-5'), fallbacks: [chatModel('openai:gpt-4o')] },
 *   ],
 * });
 * ```
 */
export function modelRouter(options: ModelRouterOptions): ChatModel {
  const clock = options.clock ?? Date.now;
  const limit = options.failures ?? 3;
  const coolDownMs = options.coolDownMs ?? 30_000;
  const health = new Map<ChatModel, { failures: number; until: number }>();
  const models = options.routes.flatMap((r) => [r.model, ...(r.fallbacks ?? [])]);
  return {
    id: `router:${options.name}`,
    offline: models.every((m) => m.offline),
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const [first, ...rest] = options.routes;
      const route = [first, ...rest].find((r) => r.when?.(request) ?? true) ?? rest.at(-1) ?? first;
      const candidates = [route.model, ...(route.fallbacks ?? [])];
      const now = clock();
      const ready = candidates.filter((m) => (health.get(m)?.until ?? 0) <= now);
      let last: unknown;
      for (const model of ready.length > 0 ? ready : candidates) {
        request.signal?.throwIfAborted();
        try {
          const answer = await model.chat(request);
          health.delete(model);
          return answer;
        } catch (error) {
          last = error;
          const h = health.get(model) ?? { failures: 0, until: 0 };
          const failures = h.failures + 1;
          health.set(model, { failures, until: failures >= limit ? clock() + coolDownMs : h.until });
        }
      }
      throw last;
    },
  };
}
