import type { DeadLetter, Log, Logger, Store } from 'eddy';
import type { ChatModel } from 'eddy/agents';
import type { LookupDatabase, Mailer } from 'eddy/connectors';
import type { Registry } from 'prom-client';
import { appendHeartbeats } from '../shared/heartbeats.ts';
import { SubjectTail } from '../shared/subject-tail.ts';
import { appendReview } from './feed.ts';
import { createProductTable, productLookup } from './product-table.ts';
import { products } from './products.ts';
import { type ReviewRecord, reviewStream } from './reviews.ts';
import type { ScoredReview } from './scorer.ts';
import { DEFAULT_SEED, pipelineNameFor, vocSubjects } from './subjects.ts';
import type { ProductWindow } from './suggester.ts';
import { vocPipeline } from './voc-pipeline.ts';
import { summarize, type VocSummary } from './voc-summary.ts';
import { createWindowTable, windowTableWriter } from './window-table.ts';

export interface VocRunOptions {
  /** Records to generate (reviews, re-sends and malformed ones). */
  readonly events: number;
  readonly seed?: number;
  /** Records fed per second; default as fast as the log takes them. */
  readonly rate?: number;
  readonly log: Log;
  readonly store: Store;
  /** The store's database: the product table and the window table live there. */
  readonly db: LookupDatabase;
  readonly model: ChatModel;
  readonly mailer: Mailer;
  readonly partitions?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
  readonly onProgress?: (progress: VocProgress) => void;
  readonly signal?: AbortSignal;
}

/** How far a run got: records fed, reviews scored, windows with suggestions. */
export interface VocProgress {
  readonly fed: number;
  readonly records: number;
  readonly scored: number;
  readonly reviews: number;
  readonly windows: number;
  /** Known once every review is scored. */
  readonly expectedWindows: number | undefined;
}

const POLL_MS = 100;

/**
 * Runs the VOC pack once over a seeded stream: creates the product table,
 * starts the pipeline and the window table's writer, feeds the reviews (at
 * `rate`), ends the feed with heartbeats so the last windows close, and
 * returns when every review is scored or dead-lettered and every window it
 * opened has its suggestions. Run it again on the same log and store (after
 * a crash) and it picks up where the commits left off: the feed's msg ids
 * and the scorer's per-review state keep anything from happening twice.
 */
export async function runVoc(o: VocRunOptions): Promise<VocSummary> {
  const started = performance.now();
  const seed = o.seed ?? DEFAULT_SEED;
  const subjects = vocSubjects(pipelineNameFor(seed));
  const table = products();
  await createProductTable(o.db, table);
  await createWindowTable(o.db);
  await o.log.ensureTopic({ subject: subjects.reviews, partitions: o.partitions ?? 4 });
  const records = vocFeed(o.events, seed);
  const known = new Set(table.map((p) => p.id));
  const reviews = distinct(records.filter((r) => r.kind === 'review'));
  const expected = reviews.length + distinct(records.filter((r) => r.kind === 'malformed')).length;

  const running = vocPipeline({
    subjects,
    log: o.log,
    store: o.store,
    products: productLookup(o.db),
    model: o.model,
    mailer: o.mailer,
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const writer = windowTableWriter({
    subjects,
    log: o.log,
    store: o.store,
    db: o.db,
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const scoredTail = new SubjectTail<ScoredReview>(o.log, subjects.scored);
  const windowTail = new SubjectTail<ProductWindow>(o.log, subjects.suggestions);
  const deadTail = new SubjectTail<DeadLetter>(o.log, subjects.deadLetter);
  const scored = new Map<string, ScoredReview>();
  const windows = new Map<string, ProductWindow>();
  const dead = new Map<string, DeadLetter>();
  let fed = 0;
  const report = (expectedWindows: number | undefined) =>
    o.onProgress?.({
      fed,
      records: records.length,
      scored: scored.size,
      reviews: reviews.filter((r) => known.has(r.review.productId)).length,
      windows: windows.size,
      expectedWindows,
    });
  // The subjects may hold other runs' records (a shared log, another seed): only this run's count.
  const ids = new Set(records.map((r) => r.msgId));
  const poll = async () => {
    for (const s of await scoredTail.poll()) if (ids.has(s.reviewId)) scored.set(s.reviewId, s);
    for (const w of await windowTail.poll()) windows.set(`${w.productId}@${w.start}`, w);
    // A record fed again after the log's duplicate window is dead-lettered again: count it once.
    for (const d of await deadTail.poll())
      if (d.source?.subject === subjects.reviews && ids.has(d.source.id)) dead.set(d.source.id, d);
  };

  let opened = new Set<string>();
  await running.start();
  await writer.start();
  try {
    const lastAt = await feed(o, subjects.reviews, records, () => {
      fed++;
      if (fed % 50 === 0) report(undefined);
    });
    await appendHeartbeats(o.log, subjects.reviews, lastAt + 120_000);
    // Every input done: each review scored (or not: a dead letter), each malformed record dead-lettered.
    while (scored.size + dead.size < expected) {
      o.signal?.throwIfAborted();
      await poll();
      report(undefined);
      await sleep(POLL_MS);
    }
    opened = new Set(
      [...scored.values()].flatMap((s) => (s.type === 'scored' ? [`${s.productId}@${minuteOf(s.at)}`] : [])),
    );
    while ([...opened].some((w) => !windows.has(w))) {
      o.signal?.throwIfAborted();
      await poll();
      report(opened.size);
      await sleep(POLL_MS);
    }
    await writer.caughtUp([...opened].map((id) => windows.get(id) as ProductWindow));
    report(opened.size);
  } finally {
    await writer.stop();
    await running.stop();
  }
  return summarize({
    pipeline: subjects.name,
    model: o.model,
    records,
    scored: [...scored.values()],
    windows: [...windows].flatMap(([id, w]) => (opened.has(id) ? [w] : [])),
    dead: [...dead.values()],
    seconds: (performance.now() - started) / 1000,
  });
}

async function feed(
  o: VocRunOptions,
  subject: string,
  records: readonly ReviewRecord[],
  onFed: () => void,
): Promise<number> {
  let lastAt = 0;
  const begun = performance.now();
  for (const [i, record] of records.entries()) {
    o.signal?.throwIfAborted();
    if (o.rate !== undefined) {
      const due = begun + (i / o.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await appendReview(o.log, subject, record);
    if (record.kind === 'review') lastAt = Math.max(lastAt, record.review.at);
    onFed();
  }
  return lastAt;
}

function distinct<R extends ReviewRecord>(records: readonly R[]): R[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.msgId) && seen.add(r.msgId));
}

const minuteOf = (at: number) => at - (at % 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The records a run feeds: `events` of the seeded review stream, about four a second of event time. */
export function vocFeed(events: number, seed: number = DEFAULT_SEED): ReviewRecord[] {
  return [...reviewStream({ count: events, products: products(), seed, meanGapMs: 250 })];
}
