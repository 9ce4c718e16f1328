import { type LookupDatabase, sqlLookupTable } from 'eddy/connectors';
import { z } from 'zod';
import type { Product } from './products.ts';

/** The table's rows as the lookup reads them back (columns in snake case). */
export const ProductRow = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  logistics_partner: z.string(),
  manager: z.string(),
  manager_email: z.string().email(),
});
export type ProductRow = z.infer<typeof ProductRow>;

/**
 * Creates (or refills) the `voc_products` table in the store's database
 * (PostgreSQL or PGlite): the dimension table reviews are joined with.
 *
 * @example
 * ```ts
 * await createProductTable(store.db, products());
 * ```
 */
export async function createProductTable(db: LookupDatabase, rows: readonly Product[]): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS voc_products (
    id text PRIMARY KEY,
    name text NOT NULL,
    category text NOT NULL,
    logistics_partner text NOT NULL,
    manager text NOT NULL,
    manager_email text NOT NULL
  )`);
  await db.query(
    `INSERT INTO voc_products (id, name, category, logistics_partner, manager, manager_email)
     SELECT * FROM json_to_recordset($1::json)
       AS r(id text, name text, category text, logistics_partner text, manager text, manager_email text)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
       logistics_partner = excluded.logistics_partner, manager = excluded.manager, manager_email = excluded.manager_email`,
    [
      JSON.stringify(
        rows.map((p) => ({
          id: p.id,
          name: p.name,
          category: p.category,
          logistics_partner: p.logisticsPartner,
          manager: p.manager,
          manager_email: p.managerEmail,
        })),
      ),
    ],
  );
}

/** The lookup table `lookupJoin` reads products from. */
export function productLookup(db: LookupDatabase) {
  return sqlLookupTable({ db, table: 'voc_products', key: 'id', schema: ProductRow });
}
