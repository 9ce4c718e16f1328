import { describe, expect, it } from 'vitest';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { createProductTable, productLookup } from '../../scenarios/voc/product-table.ts';
import { products } from '../../scenarios/voc/products.ts';
import { type Review, type ReviewRecord, reviewStream } from '../../scenarios/voc/reviews.ts';

const table = products();
const stream = (seed = 11, count = 5_000): ReviewRecord[] => [
  ...reviewStream({ count, products: table, seed }),
];

describe('VOC data', () => {
  it('has a product table with a logistics partner and a manager to mail per product', () => {
    expect(table).toHaveLength(16);
    expect(new Set(table.map((p) => p.id)).size).toBe(16);
    for (const p of table) {
      expect(p.managerEmail).toMatch(/^[a-z.]+@logistics\.example$/);
      expect(p.logisticsPartner.length).toBeGreaterThan(0);
    }
    expect(products(7)).toEqual(table);
  });

  it('is the same stream for the same seed, another for another', () => {
    expect(stream(11, 300)).toEqual(stream(11, 300));
    expect(stream(12, 300)).not.toEqual(stream(11, 300));
  });

  it('looks like a shop’s reviews: J-shaped ratings, two languages, shipping complaints, noise in the texts', () => {
    const records = stream();
    const reviews = records.flatMap((r) => (r.kind === 'review' ? [r.review] : []));
    const share = (f: (r: Review) => boolean) => reviews.filter(f).length / reviews.length;
    expect(share((r) => r.rating === 5)).toBeGreaterThan(0.4);
    expect(share((r) => r.rating === 1)).toBeGreaterThan(share((r) => r.rating === 2));
    expect(share((r) => r.language === 'zh')).toBeGreaterThan(0.2);
    expect(
      share((r) => r.rating <= 2 && /late|parcel|delivered|courier|box|快递|物流|包装/i.test(r.text)),
    ).toBeGreaterThan(0.05);
    expect(share((r) => /\p{Extended_Pictographic}/u.test(r.text))).toBeGreaterThan(0.1);
    expect(reviews.some((r) => r.text.length <= 4)).toBe(true);
    expect(reviews.some((r) => r.text.length > 150)).toBe(true);
    expect(reviews.some((r) => /Oh great|Wonderful|真是太好了/.test(r.text))).toBe(true);
    // Event time rises, a few seconds apart (a re-send keeps the time it was written).
    const seen = new Set<string>();
    const firsts = reviews.filter((r) => !seen.has(r.reviewId) && seen.add(r.reviewId));
    expect(firsts.every((r, i) => i === 0 || r.at > (firsts[i - 1] as Review).at)).toBe(true);
  });

  it('carries a few per cent of bad records, re-sent duplicates and unknown products', () => {
    const records = stream();
    const malformed = records.filter((r) => r.kind === 'malformed').length / records.length;
    expect(malformed).toBeGreaterThan(0.015);
    expect(malformed).toBeLessThan(0.05);
    const ids = records.filter((r) => r.kind === 'review').map((r) => r.msgId);
    const resent = ids.length - new Set(ids).size;
    expect(resent / records.length).toBeGreaterThan(0.01);
    const known = new Set(table.map((p) => p.id));
    const unknown = records.filter((r) => r.kind === 'review' && !known.has(r.review.productId)).length;
    expect(unknown).toBeGreaterThan(0);
  });
});

describe('VOC product table', () => {
  it('is created in PGlite and read back through the lookup table, unknown ids missing', async () => {
    const store = new PgliteStore();
    try {
      await createProductTable(store.db, table);
      await createProductTable(store.db, table); // again: refilled, not doubled
      const lookup = productLookup(store.db);
      const found = await lookup.getMany(['P-1001', 'P-9999']);
      expect(found.get('P-1001')).toMatchObject({ id: 'P-1001', manager_email: table[0]?.managerEmail });
      expect(found.has('P-9999')).toBe(false);
      const { rows } = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM voc_products');
      expect(rows[0]?.n).toBe(16);
    } finally {
      await store.close();
    }
  });
});
