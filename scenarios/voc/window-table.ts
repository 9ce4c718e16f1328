import { asyncMap, from, type Log, type Logger, pipeline, type Store, UnavailableError } from 'eddy';
import type { LookupDatabase } from 'eddy/connectors';
import { z } from 'zod';
import type { VocSubjects } from './subjects.ts';

/** A product window as read back from `voc.suggestions` (checked: anything may be published there). */
const ProductWindowIn = z.object({
  productId: z.string(),
  productName: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  reviews: z.number().int(),
  average: z.number(),
  histogram: z.array(z.number().int()).length(6),
  unhappy: z.number().int(),
  topReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  suggestions: z.array(z.string()),
});

/** `voc_product_windows`: one row per product and minute, the dashboard a shop's BI tool reads. */
export async function createWindowTable(db: LookupDatabase): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS voc_product_windows (
    pipeline text NOT NULL,
    product_id text NOT NULL,
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    product_name text NOT NULL,
    reviews integer NOT NULL,
    average numeric NOT NULL,
    histogram jsonb NOT NULL,
    unhappy integer NOT NULL,
    top_reasons jsonb NOT NULL,
    suggestions jsonb NOT NULL,
    PRIMARY KEY (pipeline, product_id, window_start)
  )`);
}

/**
 * A second pipeline that copies `voc.suggestions` into the window table. An
 * upsert by (product, window) is idempotent, so `asyncMap` is the tool: a
 * write whose input was not committed before a crash is simply made again.
 */
export function windowTableWriter(o: {
  readonly subjects: VocSubjects;
  readonly log: Log;
  readonly store: Store;
  readonly db: LookupDatabase;
  readonly logger?: Logger;
}) {
  const running = pipeline(
    {
      name: `${o.subjects.name}-tables`,
      log: o.log,
      store: o.store,
      ...(o.logger ? { logger: o.logger } : {}),
    },
    from(o.subjects.suggestions, ProductWindowIn).pipe(
      asyncMap(async (w) => {
        try {
          await o.db.query(
            `INSERT INTO voc_product_windows (pipeline, product_id, window_start, window_end, product_name, reviews,
               average, histogram, unhappy, top_reasons, suggestions)
             VALUES ($11, $1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (pipeline, product_id, window_start) DO UPDATE SET window_end = excluded.window_end,
               product_name = excluded.product_name, reviews = excluded.reviews, average = excluded.average,
               histogram = excluded.histogram, unhappy = excluded.unhappy, top_reasons = excluded.top_reasons,
               suggestions = excluded.suggestions`,
            [
              w.productId,
              w.start,
              w.end,
              w.productName,
              w.reviews,
              w.average,
              JSON.stringify(w.histogram),
              w.unhappy,
              JSON.stringify(w.topReasons),
              JSON.stringify(w.suggestions),
              o.subjects.name,
            ],
          );
        } catch (error) {
          throw new UnavailableError('the window table', { cause: error });
        }
        return w.productId;
      }),
    ),
  );
  return {
    start: () => running.start(),
    stop: () => running.stop(),
    /** Resolves once the table holds a row for each of these windows. */
    async caughtUp(
      windows: readonly { readonly productId: string; readonly start: number }[],
    ): Promise<void> {
      const keys = JSON.stringify(windows.map((w) => ({ p: w.productId, s: w.start })));
      for (;;) {
        const result = await o.db.query(
          `SELECT count(*)::int AS n FROM voc_product_windows t
             JOIN json_to_recordset($1::json) AS k(p text, s bigint)
               ON t.product_id = k.p AND t.window_start = to_timestamp(k.s / 1000.0)
           WHERE t.pipeline = $2`,
          [keys, o.subjects.name],
        );
        if ((result.rows[0] as { n: number }).n >= windows.length) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
