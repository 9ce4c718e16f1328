import type { Json } from '../../core/store/store.ts';
import { inSpan, SpanKind } from '../../core/telemetry/tracer.ts';
import { BudgetExceededError } from '../models/budget/budget-exceeded-error.ts';
import type { ChatModel, ChatRequest, ChatResponse } from '../models/chat-model.ts';
import { plainJson } from './plain-json.ts';
import type { StepScope } from './step-scope.ts';

/** One model call of an agent. */
export interface ModelStep<R extends Json> {
  /** The step's name in the journal: a re-run after a crash matches recorded steps by name and order. */
  readonly name: string;
  readonly model: ChatModel;
  readonly request: ChatRequest;
  /** Which model call of its run this is, for the trace; 0 where the agent does not count them. */
  readonly step: number;
  /**
   * What the journal keeps of the answer: the event (or event field) the
   * agent records it in. Journal the record `modelStep` resolves with as it
   * is, and the journal holds the answer once: the event refers to the step's
   * record (see `ActorContext.run`) instead of copying it.
   */
  readonly record: (answer: ChatResponse) => R;
}

/** How a model step ended: with the journaled record, or with why the model gave no answer. */
export type ModelStepOutcome<R> =
  | { readonly ok: true; readonly record: R }
  | { readonly ok: false; readonly error: unknown; readonly message: string };

/**
 * Asks the model once, through `ctx.run`: the answer's record is journaled
 * before the agent sees it, and a re-run after a crash reads it back instead
 * of asking again. A model that fails (after its own retries) is an outcome
 * for the agent to act on and is not journaled: nothing came of it, so a
 * re-run may ask again. Anything else that goes wrong (a re-run that does not
 * match the journal, the runtime stopping) rejects: it is for the runtime.
 *
 * @example
 * const outcome = await modelStep(scope, { name: 'model', model, request, step: 1, record: (a) => a.content });
 */
export async function modelStep<R extends Json>(
  scope: StepScope,
  step: ModelStep<R>,
): Promise<ModelStepOutcome<R>> {
  const { ctx, trace } = scope;
  let failed = false;
  try {
    const record = await ctx.run(step.name, async (info) => {
      const started = performance.now();
      let answer: ChatResponse;
      try {
        answer = await chatSpan(step, scope.agent, ctx.key, info.id);
      } catch (error) {
        // Over budget is not the model failing: the input waits for no answer and becomes a dead letter.
        failed = !(error instanceof BudgetExceededError);
        throw error;
      }
      trace?.({
        kind: 'model',
        agent: scope.agent,
        key: ctx.key,
        runId: scope.runId,
        step: step.step,
        stepId: info.id,
        messages: plainJson(step.request.messages),
        answer: plainJson(answer),
        ms: Math.round(performance.now() - started),
        inputTokens: answer.usage.inputTokens,
        outputTokens: answer.usage.outputTokens,
      });
      return step.record(answer);
    });
    return { ok: true, record };
  } catch (error) {
    if (!failed) throw error;
    const message = failureText(error);
    trace?.({ kind: 'error', agent: scope.agent, key: ctx.key, runId: scope.runId, error: message });
    return { ok: false, error, message };
  }
}

/** A model failure as agents report it: the error's class, which says what kind of failure, and message. */
export function failureText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The model call as an OpenTelemetry span under the GenAI semantic
 * conventions (`chat <model>`, a client span): only calls actually made have
 * one; a replay reads the journal and calls nothing.
 */
function chatSpan<R extends Json>(
  step: ModelStep<R>,
  agent: string,
  key: string,
  stepId: string,
): Promise<ChatResponse> {
  const colon = step.model.id.indexOf(':');
  const provider = colon === -1 ? step.model.id : step.model.id.slice(0, colon);
  const model = colon === -1 ? step.model.id : step.model.id.slice(colon + 1);
  return inSpan(
    `chat ${model}`,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.agent.name': agent,
      'eddy.key': key,
      'eddy.step.id': stepId,
      ...(step.request.parameters?.temperature === undefined
        ? {}
        : { 'gen_ai.request.temperature': step.request.parameters.temperature }),
      ...(step.request.parameters?.maxTokens === undefined
        ? {}
        : { 'gen_ai.request.max_tokens': step.request.parameters.maxTokens }),
    },
    async (span) => {
      const answer = await step.model.chat({ ...step.request, caller: { agent, key } });
      span.setAttributes({
        'gen_ai.response.model': answer.model,
        'gen_ai.usage.input_tokens': answer.usage.inputTokens,
        'gen_ai.usage.output_tokens': answer.usage.outputTokens,
        'gen_ai.response.finish_reasons': [answer.stopReason],
      });
      return answer;
    },
    SpanKind.CLIENT,
  );
}
