import { UnavailableError } from 'eddy';
import { type ChatModel, type Tool, type WorkflowContext, workflowAgent } from 'eddy/agents';
import { NOTIFY_TOOL, type NotifyInput, type NotifyResult } from './notify-tool.ts';
import { needsLogistics, parseScore, type ReviewScore, scoringPrompt } from './review-score.ts';

/** A review joined with its product row: what the scorer gets. */
export type JoinedReview = {
  readonly reviewId: string;
  readonly productId: string;
  readonly rating: number;
  readonly language: 'en' | 'zh';
  readonly text: string;
  readonly at: number;
  readonly product: {
    readonly name: string;
    readonly category: string;
    readonly partner: string;
    readonly manager: string;
    readonly managerEmail: string;
  };
};

/** What the scorer emits per review: its score, or why it could not be scored. */
export type ScoredReview =
  | {
      readonly type: 'scored';
      readonly reviewId: string;
      readonly productId: string;
      readonly productName: string;
      readonly at: number;
      readonly rating: number;
      readonly language: string;
      readonly score: number;
      readonly reasons: readonly string[];
      readonly aspects: readonly string[];
      /** The mail to the logistics manager, when the review asked for one. */
      readonly notified: NotifyResult | null;
    }
  | {
      readonly type: 'unscored';
      readonly reviewId: string;
      readonly productId: string;
      readonly at: number;
      readonly problem: string;
    };

type ScorerEvent = { readonly type: 'Review'; readonly review: JoinedReview };

/**
 * The scoring agent (a workflow agent keyed by review id): one model call
 * for `{ id, score, reasons, aspects }`, checked by the schema (one repair
 * turn when it fails), then, for an unhappy shipping review, the notify tool.
 * Every model answer and tool result is journaled: a crash re-runs the review
 * from its record and never asks the model or sends the mail twice with a new
 * id. A review seen again under its id (a re-send past the log's duplicate
 * window) is skipped.
 */
export function reviewScorer(options: {
  readonly name: string;
  readonly model: ChatModel;
  readonly notify: Tool;
}) {
  return workflowAgent<JoinedReview, ScorerEvent, ScoredReview>({
    name: options.name,
    models: { scorer: options.model },
    tools: [options.notify],
    start: (review) => ({ type: 'Review', review }),
    actions: {
      Review: async ({ review }, ctx) => {
        if (ctx.memory.get('seen') === true) return;
        ctx.memory.set('seen', true);
        const messages = scoringPrompt(review);
        const first = await ctx.chat({ messages });
        let parsed = parseScore(first.content, review.reviewId);
        if (!parsed.ok) {
          const repair = await ctx.chat({
            messages: [
              ...messages,
              { role: 'assistant', content: first.content },
              {
                role: 'user',
                content: `That answer does not fit the schema (${parsed.problem}). Answer again with the JSON only.`,
              },
            ],
          });
          parsed = parseScore(repair.content, review.reviewId);
        }
        if (!parsed.ok) {
          ctx.emit({
            type: 'unscored',
            reviewId: review.reviewId,
            productId: review.productId,
            at: review.at,
            problem: parsed.problem,
          });
          return;
        }
        const notified = needsLogistics(parsed.score) ? await notify(ctx, review, parsed.score) : null;
        ctx.emit({
          type: 'scored',
          reviewId: review.reviewId,
          productId: review.productId,
          productName: review.product.name,
          at: review.at,
          rating: review.rating,
          language: review.language,
          score: parsed.score.score,
          reasons: parsed.score.reasons,
          aspects: parsed.score.aspects,
          notified,
        });
      },
    },
  });
}

async function notify(
  ctx: WorkflowContext<ScorerEvent, ScoredReview>,
  review: JoinedReview,
  score: ReviewScore,
): Promise<NotifyResult> {
  const result = await ctx.callTool(NOTIFY_TOOL, {
    to: review.product.managerEmail,
    manager: review.product.manager,
    partner: review.product.partner,
    productId: review.productId,
    productName: review.product.name,
    reviewId: review.reviewId,
    score: score.score,
    reasons: score.reasons,
    text: review.text,
  } satisfies NotifyInput);
  // The server could not be reached: not the review's fault. Failing the task commits nothing of it, so
  // the review runs again once the partition restarts, and its mail goes out under the same Message-ID.
  if (!result.ok) throw new UnavailableError(`the SMTP server (${result.error.message})`);
  return result.value as NotifyResult;
}
