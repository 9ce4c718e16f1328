import { seededRandom } from 'eddy';
import { type LookupDatabase, sqlLookupTable } from 'eddy/connectors';
import { z } from 'zod';

/** A viewer's profile: the dimension comments are joined with. */
export interface Viewer {
  readonly id: string;
  readonly name: string;
  /** 1 to 50: how long and how much they have watched. */
  readonly level: number;
  readonly region: string;
  readonly vip: boolean;
  readonly follower: boolean;
}

const REGIONS = [
  'Shanghai',
  'Beijing',
  'Guangdong',
  'Zhejiang',
  'Sichuan',
  'Singapore',
  'US',
  'UK',
  'Germany',
];
const NAMES = ['小鱼', '阿杰', 'momo', 'Kevin', '糖糖', 'Lily', '大白', 'Tom', '星星', 'Ana', '老王', 'Yuki'];

/** `count` viewers, reproducible from the seed: levels skew low, a tenth are VIPs, a third follow the streamer. */
export function viewers(count = 400, seed = 3): Viewer[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const level = 1 + Math.floor(random() ** 2 * 50);
    return {
      id: `U-${String(i + 1).padStart(5, '0')}`,
      name: `${NAMES[Math.floor(random() * NAMES.length)]}${i + 1}`,
      level,
      region: REGIONS[Math.floor(random() * REGIONS.length)] as string,
      vip: random() < 0.06 + level / 250,
      follower: random() < 0.35,
    };
  });
}

export const ViewerRow = z.object({
  id: z.string(),
  name: z.string(),
  level: z.number().int(),
  region: z.string(),
  vip: z.boolean(),
  follower: z.boolean(),
});
export type ViewerRow = z.infer<typeof ViewerRow>;

/** Creates (or refills) `live_viewers` in the store's database. */
export async function createViewerTable(db: LookupDatabase, rows: readonly Viewer[]): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS live_viewers (
    id text PRIMARY KEY, name text NOT NULL, level integer NOT NULL, region text NOT NULL,
    vip boolean NOT NULL, follower boolean NOT NULL
  )`);
  await db.query(
    `INSERT INTO live_viewers SELECT * FROM json_to_recordset($1::json)
       AS r(id text, name text, level integer, region text, vip boolean, follower boolean)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, region = excluded.region,
       vip = excluded.vip, follower = excluded.follower`,
    [JSON.stringify(rows)],
  );
}

/** The lookup table comments are joined with. */
export const viewerLookup = (db: LookupDatabase) =>
  sqlLookupTable({ db, table: 'live_viewers', key: 'id', schema: ViewerRow });
