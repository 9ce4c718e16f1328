/**
 * Why one attempt of a model call failed, the same for every provider, so the
 * retry loop decides once for all of them.
 */
export type CallFailure =
  | {
      readonly kind: 'rate_limited';
      readonly status: number;
      readonly retryAfterMs?: number;
      readonly detail: string;
    }
  | {
      readonly kind: 'server';
      readonly status: number;
      readonly retryAfterMs?: number;
      readonly detail: string;
    }
  | { readonly kind: 'timeout'; readonly detail: string }
  | { readonly kind: 'connection'; readonly detail: string }
  | { readonly kind: 'auth'; readonly status: number; readonly detail: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly detail: string }
  | { readonly kind: 'bad_response'; readonly detail: string }
  | { readonly kind: 'aborted'; readonly reason: unknown };

export type CallFailureKind = CallFailure['kind'];

/** 429, 5xx, timeouts and dropped connections pass; the rest would fail the same way again. */
export function isTransient(failure: CallFailure): boolean {
  return (
    failure.kind === 'rate_limited' ||
    failure.kind === 'server' ||
    failure.kind === 'timeout' ||
    failure.kind === 'connection'
  );
}

/** The failure of an HTTP status, from the status alone. */
export function httpFailure(status: number, detail: string, retryAfterMs: number | undefined): CallFailure {
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return { kind: 'rate_limited', status, detail, ...after };
  // 408 and 409 are what the providers' own SDKs retry too: a lost request, a lock held for a moment.
  if (status >= 500 || status === 408 || status === 409) return { kind: 'server', status, detail, ...after };
  if (status === 401 || status === 403) return { kind: 'auth', status, detail };
  return { kind: 'rejected', status, detail };
}
