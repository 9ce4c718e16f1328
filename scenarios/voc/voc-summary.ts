import type { DeadLetter } from 'eddy';
import type { ChatModel } from 'eddy/agents';
import type { ReviewRecord } from './reviews.ts';
import type { ScoredReview } from './scorer.ts';
import type { ProductWindow } from './suggester.ts';

/** What a VOC run did, for the summary table and `--json`. */
export interface VocSummary {
  readonly pipeline: string;
  readonly model: string;
  readonly offline: boolean;
  readonly seconds: number;
  readonly records: number;
  readonly resent: number;
  readonly reviews: number;
  readonly scored: number;
  readonly unscored: number;
  readonly deadLetters: {
    readonly malformed: number;
    readonly unknownProduct: number;
    readonly other: number;
  };
  /** Reviews whose score asked for the logistics manager, and the mails that went out for them. */
  readonly shippingAlerts: number;
  readonly mailsSent: number;
  readonly scoreHistogram: readonly number[];
  readonly windows: number;
  /** Per product, worst average first. */
  readonly products: readonly {
    readonly productId: string;
    readonly name: string;
    readonly reviews: number;
    readonly average: number;
    readonly unhappy: number;
    readonly topReason: string;
  }[];
  /** The three worst windows and what the second agent suggested. */
  readonly worstWindows: readonly ProductWindow[];
}

export function summarize(run: {
  readonly pipeline: string;
  readonly model: ChatModel;
  readonly records: readonly ReviewRecord[];
  readonly scored: readonly ScoredReview[];
  readonly windows: readonly ProductWindow[];
  readonly dead: readonly DeadLetter[];
  readonly seconds: number;
}): VocSummary {
  const ids = new Set(run.records.map((r) => r.msgId));
  const scored = run.scored.flatMap((s) => (s.type === 'scored' ? [s] : []));
  const histogram = [0, 0, 0, 0, 0, 0];
  for (const s of scored) histogram[s.score] = (histogram[s.score] ?? 0) + 1;
  const inputDead = run.dead.filter((d) => d.phase === 'decode' || d.reason.startsWith('LookupMissError'));
  const unknownProduct = inputDead.filter((d) => d.reason.startsWith('LookupMissError')).length;
  const byProduct = new Map<
    string,
    { name: string; reviews: number; total: number; unhappy: number; reasons: Map<string, number> }
  >();
  for (const s of scored) {
    const p = byProduct.get(s.productId) ?? {
      name: s.productName,
      reviews: 0,
      total: 0,
      unhappy: 0,
      reasons: new Map(),
    };
    p.reviews++;
    p.total += s.score;
    if (s.score <= 2) {
      p.unhappy++;
      for (const r of s.reasons) p.reasons.set(r, (p.reasons.get(r) ?? 0) + 1);
    }
    byProduct.set(s.productId, p);
  }
  const products = [...byProduct]
    .map(([productId, p]) => ({
      productId,
      name: p.name,
      reviews: p.reviews,
      average: Math.round((p.total / p.reviews) * 100) / 100,
      unhappy: p.unhappy,
      topReason: [...p.reasons].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0] ?? '',
    }))
    .sort((a, b) => a.average - b.average || (a.productId < b.productId ? -1 : 1));
  const worstWindows = [...run.windows]
    .filter((w) => w.reviews >= 3)
    .sort((a, b) => a.average - b.average || a.start - b.start || (a.productId < b.productId ? -1 : 1))
    .slice(0, 3);
  return {
    pipeline: run.pipeline,
    model: run.model.id,
    offline: run.model.offline,
    seconds: Math.round(run.seconds * 10) / 10,
    records: run.records.length,
    resent: run.records.length - ids.size,
    reviews: new Set(run.records.flatMap((r) => (r.kind === 'review' ? [r.msgId] : []))).size,
    scored: scored.length,
    unscored: run.scored.length - scored.length,
    deadLetters: {
      malformed: inputDead.length - unknownProduct,
      unknownProduct,
      other: run.dead.length - inputDead.length,
    },
    shippingAlerts: scored.filter((s) => s.notified !== null).length,
    mailsSent: scored.filter((s) => s.notified?.sent === true).length,
    scoreHistogram: histogram,
    windows: run.windows.length,
    products,
    worstWindows,
  };
}
