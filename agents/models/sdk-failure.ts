import { type CallFailure, httpFailure } from './call-failure.ts';
import { redact } from './redact.ts';
import { retryAfterMs } from './retry-after.ts';

type ErrorClass<E = Error> = abstract new (...args: never[]) => E;

/**
 * The error classes of a Stainless-generated SDK (`@anthropic-ai/sdk` and
 * `openai` share the hierarchy): pass `Anthropic` or `OpenAI` itself.
 */
export interface SdkErrorClasses {
  readonly APIError: ErrorClass<
    Error & { readonly status: number | undefined; readonly headers: Headers | undefined }
  >;
  readonly APIUserAbortError: ErrorClass;
  readonly APIConnectionError: ErrorClass;
  readonly APIConnectionTimeoutError: ErrorClass;
}

/**
 * What went wrong in one SDK call, or undefined when the error is not the
 * SDK's (a bug of ours: the caller rethrows it). Details are redacted of
 * `secrets`: error bodies sometimes echo the API key.
 */
export function sdkFailure(
  error: unknown,
  sdk: SdkErrorClasses,
  secrets: readonly string[],
  signal: AbortSignal | undefined,
): CallFailure | undefined {
  if (signal?.aborted) return { kind: 'aborted', reason: signal.reason };
  if (error instanceof sdk.APIUserAbortError) return { kind: 'aborted', reason: error };
  if (error instanceof sdk.APIConnectionTimeoutError)
    return { kind: 'timeout', detail: redact(error.message, secrets) };
  if (error instanceof sdk.APIConnectionError)
    return { kind: 'connection', detail: redact(causeChain(error), secrets) };
  if (error instanceof sdk.APIError && error.status !== undefined)
    return httpFailure(error.status, redact(error.message, secrets), retryAfterMs(error.headers));
  return undefined;
}

/** `Connection error. (fetch failed: connect ECONNREFUSED 127.0.0.1:9)`: the cause is where the reason is. */
function causeChain(error: Error): string {
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && cause instanceof Error; depth++) {
    const code = (cause as Error & { code?: unknown }).code;
    parts.push(
      typeof code === 'string' && !cause.message.includes(code)
        ? `${cause.message} [${code}]`
        : cause.message,
    );
    cause = cause.cause;
  }
  return parts.length === 1 ? (parts[0] ?? '') : `${parts[0]} (${parts.slice(1).join(': ')})`;
}
