import type { ScenarioPack } from '../scenarios/shared/scenario-pack.ts';

/** The packs `eddy scenario` runs, loaded when asked for. */
const PACKS: Readonly<Record<string, () => Promise<ScenarioPack<object>>>> = {
  voc: async () => (await import('../scenarios/voc/pack.ts')).vocPack,
  livestream: async () => (await import('../scenarios/livestream/pack.ts')).livestreamPack,
  ops: async () => (await import('../scenarios/ops/pack.ts')).opsPack,
};

export const PACK_NAMES = Object.keys(PACKS);

/** The pack of that name (one of `PACK_NAMES`). */
export function loadPack(name: string): Promise<ScenarioPack<object>> {
  const load = PACKS[name];
  if (!load) throw new RangeError(`no pack "${name}"`);
  return load();
}
