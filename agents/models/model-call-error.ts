import type { CallFailure } from './call-failure.ts';

/** What the caller can act on after a failed call; `aborted` never gets here (the signal's reason is thrown). */
export type ModelCallFailure = Exclude<CallFailure, { readonly kind: 'aborted' }>;

/** Where the call went, for the hints in the message. */
export interface ModelCallSite {
  /** `provider:model`. */
  readonly model: string;
  /** Origin of the endpoint (no path, no credentials). */
  readonly endpoint: string;
  /** The environment variable the API key comes from, when there is one. */
  readonly keyEnv: string | undefined;
  readonly timeoutMs: number;
}

/**
 * A model call failed for good: after the last retry for transient failures
 * (429, 5xx, timeouts, dropped connections), or at once for the others (bad
 * key, refused request, a response that is not the provider's format). `kind`
 * says which; the message says what to do next. It never contains the API key.
 *
 * @example
 * try { await model.chat(request); }
 * catch (e) { if (e instanceof ModelCallError && e.kind === 'rate_limited') queueForLater(request); }
 */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  readonly model: string;
  readonly kind: ModelCallFailure['kind'];
  /** HTTP status of the last attempt, when there was a response. */
  readonly status: number | undefined;
  /** Attempts made, the first one included. */
  readonly attempts: number;
  /** What the last attempt got (redacted). */
  readonly detail: string;

  constructor(site: ModelCallSite, failure: ModelCallFailure, attempts: number) {
    super(`${site.model} ${summary(failure, attempts)}: ${failure.detail}; ${hint(site, failure)}`);
    this.model = site.model;
    this.kind = failure.kind;
    this.status = 'status' in failure ? failure.status : undefined;
    this.attempts = attempts;
    this.detail = failure.detail;
  }
}

function summary(failure: ModelCallFailure, attempts: number): string {
  const tries = attempts === 1 ? 'on the first attempt' : `after ${attempts} attempts`;
  switch (failure.kind) {
    case 'rate_limited':
      return `was rate limited (${failure.status}) ${tries}`;
    case 'server':
      return `failed with ${failure.status} ${tries}`;
    case 'timeout':
      return `timed out ${tries}`;
    case 'connection':
      return `could not be reached ${tries}`;
    case 'auth':
      return `refused the API key (${failure.status})`;
    case 'rejected':
      return `refused the request (${failure.status})`;
    case 'bad_response':
      return 'answered with something that is not a chat response';
  }
}

function hint(site: ModelCallSite, failure: ModelCallFailure): string {
  switch (failure.kind) {
    case 'rate_limited':
      return 'send fewer requests, raise `retries`, or ask the provider for a higher limit';
    case 'server':
      return `the provider at ${site.endpoint} is failing; try again later or raise \`retries\``;
    case 'timeout':
      return `no answer within ${site.timeoutMs} ms; raise \`timeoutMs\` or lower \`maxTokens\`, and check ${site.endpoint}`;
    case 'connection':
      return `check that ${site.endpoint} is up and the base URL is right`;
    case 'auth':
      return site.keyEnv === undefined
        ? 'check the apiKey of the model config'
        : `check ${site.keyEnv} (or the apiKey of the model config)`;
    case 'rejected':
      return 'fix the request: the model name, the parameters, the tool schemas';
    case 'bad_response':
      return `check that ${site.endpoint} speaks the provider's API (for OpenAI-compatible servers, the base URL usually ends in /v1)`;
  }
}
