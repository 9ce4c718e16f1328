import type { Logger } from '../../core/logger.ts';
import { BadResponse } from './bad-response.ts';
import { callSite } from './call-site.ts';
import type { ChatRequest, ChatResponse } from './chat-model.ts';
import { redact } from './redact.ts';
import type { ResolvedModel } from './resolve-model.ts';
import { callWithRetries } from './retry.ts';
import { type SdkErrorClasses, sdkFailure } from './sdk-failure.ts';

/** Per-call options both Stainless SDKs take: our retries replace theirs. */
export interface SdkRequestOptions {
  readonly timeout: number;
  readonly maxRetries: 0;
  readonly signal?: AbortSignal;
}

/**
 * One chat call through a Stainless-generated SDK (Anthropic or OpenAI) with
 * eddy's retries: `send` makes the request, `parse` turns the raw answer into
 * a ChatResponse; an answer that does not parse counts as a bad response.
 */
export function sdkChatCall(
  resolved: ResolvedModel,
  logger: Logger,
  request: ChatRequest,
  sdk: SdkErrorClasses,
  send: (options: SdkRequestOptions) => Promise<unknown>,
  parse: (raw: unknown, structured: boolean) => ChatResponse | { readonly error: string },
): Promise<ChatResponse> {
  const structured = request.responseFormat !== undefined;
  return callWithRetries(
    callSite(resolved),
    resolved.retry,
    logger,
    request.signal,
    async () => {
      const raw = await send({
        timeout: resolved.timeoutMs,
        maxRetries: 0,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      const response = parse(raw, structured);
      if ('error' in response) throw new BadResponse(response.error);
      return response;
    },
    (error) =>
      error instanceof BadResponse
        ? { kind: 'bad_response', detail: redact(error.message, resolved.secrets) }
        : sdkFailure(error, sdk, resolved.secrets, request.signal),
  );
}
