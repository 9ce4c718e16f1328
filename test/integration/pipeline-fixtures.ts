import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';

// What the pipeline tests share: a review input, a scoring actor, a log fed with records, and reading a subject back.
export const encoder = new TextEncoder();
export const decoder = new TextDecoder();
export const Review = z.object({ product: z.string(), stars: z.number(), text: z.string() });
export type Review = z.infer<typeof Review>;

/** Keeps a running score per product and emits it. */
export const scorer = defineActor({
  name: 'scorer',
  initial: () => ({ reviews: 0, stars: 0 }),
  decide: (s: { reviews: number; stars: number }, r: { stars: number; text: string }, ctx) => {
    ctx.emit({ product: ctx.key, reviews: s.reviews + 1, stars: s.stars + r.stars, text: r.text });
    return [{ type: 'Scored' as const, stars: r.stars }];
  },
  evolve: (s, e: { type: 'Scored'; stars: number }) => ({ reviews: s.reviews + 1, stars: s.stars + e.stars }),
});

export async function setup(records: readonly { key: string; value: Json | string }[], partitions = 2) {
  const log = new MemoryLog();
  const store = new MemoryStore();
  await log.ensureTopic({ subject: 'reviews', partitions });
  for (const [i, r] of records.entries()) {
    const body = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
    await log.append('reviews', { key: r.key, payload: encoder.encode(body), msgId: `r${i}` });
  }
  return { log, store };
}

export async function read(log: MemoryLog, subject: string): Promise<{ key: string; value: Json }[]> {
  const out: { key: string; value: Json }[] = [];
  for (let p = 0; p < (await log.partitions(subject)); p++) {
    for await (const e of log.read(subject, p, 1))
      out.push({ key: e.key, value: JSON.parse(decoder.decode(e.payload)) });
  }
  return out;
}

export const review = (product: string, stars: number, text = 'fine'): { key: string; value: Review } => ({
  key: product,
  value: { product, stars, text },
});
