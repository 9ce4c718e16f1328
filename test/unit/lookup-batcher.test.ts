import { describe, expect, it } from 'vitest';
import { LookupBatcher } from '../../core/lookup/lookup-batcher.ts';
import type { LookupTable } from '../../core/lookup/lookup-table.ts';

function countingTable() {
  const calls: string[][] = [];
  const table: LookupTable<string> = {
    name: 't',
    getMany: async (keys) => {
      calls.push([...keys]);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
    },
  };
  return { table, calls };
}

describe('LookupBatcher', () => {
  it('asks once for the keys asked for together, a key asked twice once, at most maxKeys a query', async () => {
    const { table, calls } = countingTable();
    const loads: number[] = [];
    const batcher = new LookupBatcher(table, 4, (keys) => loads.push(keys));
    const keys = ['a', 'b', 'a', 'c', 'd', 'e', 'missing'];
    const answers = await Promise.all(keys.map((k) => batcher.get(k)));
    expect(answers).toEqual(['A', 'B', 'A', 'C', 'D', 'E', undefined]);
    expect(calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['e', 'missing'],
    ]);
    expect(loads).toEqual([4, 2]);
    // Later asks make a new query.
    expect(await batcher.get('a')).toBe('A');
    expect(calls).toHaveLength(3);
  });

  it('fails every waiting lookup of a failed query, and reports it', async () => {
    const failures: boolean[] = [];
    const batcher = new LookupBatcher<string>(
      { name: 't', getMany: () => Promise.reject(new Error('down')) },
      10,
      (_k, _s, failed) => failures.push(failed),
    );
    const results = await Promise.allSettled([batcher.get('a'), batcher.get('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failures).toEqual([true]);
  });
});
