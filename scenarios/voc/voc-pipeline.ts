import {
  actor,
  from,
  keyBy,
  type LateRecord,
  type Log,
  type Logger,
  type LookupTable,
  lookupJoin,
  pipeline,
  type Store,
  to,
  type WindowResult,
} from 'eddy';
import type { ChatModel } from 'eddy/agents';
import type { Mailer } from 'eddy/connectors';
import type { Registry } from 'prom-client';
import { filter } from 'rxjs';
import { FeedRecord, isReview } from './feed.ts';
import { notifyTool } from './notify-tool.ts';
import type { ProductRow } from './product-table.ts';
import { type Satisfaction, satisfactionWindows } from './satisfaction.ts';
import { type JoinedReview, reviewScorer, type ScoredReview } from './scorer.ts';
import { type VocSubjects, vocSubjects } from './subjects.ts';
import { type ProductWindow, productSuggester } from './suggester.ts';

export interface VocPipelineOptions {
  /** Its name and subjects (default `vocSubjects()`: `voc`). */
  readonly subjects?: VocSubjects;
  readonly log: Log;
  readonly store: Store;
  readonly products: LookupTable<ProductRow>;
  readonly model: ChatModel;
  readonly mailer: Mailer;
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Instance name for the leases, when several processes share the work. */
  readonly owner?: string;
}

type Scored = Extract<ScoredReview, { type: 'scored' }>;
const isScorerOutput = (o: { type: string }): o is ScoredReview =>
  o.type === 'scored' || o.type === 'unscored';
const isScored = (o: ScoredReview): o is Scored => o.type === 'scored';
const isFinal = (w: WindowResult<Satisfaction> | LateRecord<Scored>): w is WindowResult<Satisfaction> =>
  w.kind === 'final';
const isProductWindow = (o: object): o is ProductWindow => 'suggestions' in o;

/**
 * The voice-of-customer pipeline:
 *
 *     voc.reviews ─ check ─ join product ─ score (agent; mail shipping complaints) ─▶ voc.scored
 *        ─ keyBy product ─ satisfaction per minute ─▶ voc.satisfaction ─ suggestions (agent) ─▶ voc.suggestions
 *
 * Malformed records and reviews of unknown products are dead letters with
 * their reason (`voc.dead-letter`); everything else is exactly once.
 */
export function vocPipeline(o: VocPipelineOptions) {
  const s = o.subjects ?? vocSubjects();
  const flow = from(s.reviews, FeedRecord, { eventTime: (r) => r.at })
    .pipe(
      filter(isReview),
      lookupJoin(o.products, {
        key: (review) => review.productId,
        select: (review, p): JoinedReview => ({
          ...review,
          product: {
            name: p.name,
            category: p.category,
            partner: p.logistics_partner,
            manager: p.manager,
            managerEmail: p.manager_email,
          },
        }),
      }),
      actor(reviewScorer({ name: s.actors.scorer, model: o.model, notify: notifyTool(o.mailer) })),
      filter(isScorerOutput),
      to(s.scored),
      filter(isScored),
    )
    .pipe(
      keyBy((review: Scored) => review.productId),
      actor(satisfactionWindows(s.actors.satisfaction, s.late)),
      filter(isFinal),
      to(s.satisfaction),
      actor(productSuggester({ name: s.actors.suggester, model: o.model })),
      filter(isProductWindow),
      to(s.suggestions),
    );
  return pipeline(
    {
      name: s.name,
      log: o.log,
      store: o.store,
      deadLetter: s.deadLetter,
      // Reviews reach the shop up to 5 s out of order.
      allowedLatenessMs: 5_000,
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
      ...(o.owner ? { owner: o.owner } : {}),
    },
    flow,
  );
}
