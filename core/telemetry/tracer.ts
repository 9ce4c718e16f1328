import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * eddy's OpenTelemetry tracer, through `@opentelemetry/api` only: with no
 * SDK registered every span is a no-op, so nothing is forced on users;
 * register a `TracerProvider` (and a context manager, for parent links) and
 * model calls, tool calls, agent runs and commits show up as spans.
 */
export const tracer = trace.getTracer('eddy');

/**
 * Runs `fn` in an active span named `name`: its children (started inside,
 * across awaits where a context manager is registered) nest under it. A
 * throw marks the span as an error, with the exception recorded, and goes on.
 *
 * @example
 * ```ts
 * await inSpan('chat claude-sonnet-4-5', { 'gen_ai.operation.name': 'chat' }, async (span) => model.chat(request));
 * ```
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, SpanStatusCode };
