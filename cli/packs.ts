import type { ScenarioPack } from '../scenarios/shared/scenario-pack.ts';

/** The packs `eddy scenario` runs, loaded when asked for. */
export const PACKS: Readonly<Record<string, () => Promise<ScenarioPack<object>>>> = {
  voc: async () => (await import('../scenarios/voc/pack.ts')).vocPack,
  livestream: async () => (await import('../scenarios/livestream/pack.ts')).livestreamPack,
  ops: async () => (await import('../scenarios/ops/pack.ts')).opsPack,
};

export const PACK_NAMES = Object.keys(PACKS);
