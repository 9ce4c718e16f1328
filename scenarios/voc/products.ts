import { seededRandom } from 'eddy';

/** A row of the product dimension table the VOC pack joins reviews with. */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly logisticsPartner: string;
  readonly manager: string;
  readonly managerEmail: string;
}

const CATALOG: readonly (readonly [category: string, names: readonly string[]])[] = [
  ['audio', ['Pulse wireless earbuds', 'Aria bookshelf speaker', 'Bass One headphones', '声悦 蓝牙音箱']],
  ['kitchen', ['Brewmaster kettle', 'Crisp air fryer', 'Chef knife set', '小熊 电饭煲']],
  ['home', ['Lumen desk lamp', 'Cloud memory pillow', 'Aqua water filter', '米家 扫地机器人']],
  ['outdoor', ['Trail 30L backpack', 'Summit trekking poles', 'Breeze camping chair', '骆驼 冲锋衣']],
];
const PARTNERS = ['DHL', 'UPS', 'SF Express', 'Cainiao', 'DPD'] as const;
const MANAGERS = ['Ana Souza', 'Wei Zhang', 'Jonas Becker', 'Priya Nair', 'Li Na', 'Tom Walsh'] as const;

/**
 * The product table: every catalog item once, with the logistics partner
 * that ships it and the manager responsible for that partner (who gets the
 * shipping complaints). Reproducible from the seed.
 *
 * @example
 * ```ts
 * const rows = products(7); // rows[0].id === 'P-1001'
 * ```
 */
export function products(seed = 7): readonly Product[] {
  const random = seededRandom(seed);
  const rows: Product[] = [];
  for (const [category, names] of CATALOG) {
    for (const name of names) {
      const partner = PARTNERS[Math.floor(random() * PARTNERS.length)] as string;
      const manager = MANAGERS[Math.floor(random() * MANAGERS.length)] as string;
      rows.push({
        id: `P-${1001 + rows.length}`,
        name,
        category,
        logisticsPartner: partner,
        manager,
        managerEmail: `${manager.toLowerCase().replace(/[^a-z]+/g, '.')}@logistics.example`,
      });
    }
  }
  return rows;
}
