import type { Json } from '../store/store.ts';

/** Reserved journal type for recorded ctx results; `evolve` never sees it. */
export const STEP_EVENT = '$step';

export interface StepRecord {
  readonly index: number;
  readonly kind: 'now' | 'run';
  readonly name: string;
  readonly value: Json;
}

export function isStepRecord(data: Json): data is Json & StepRecord {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    typeof (data as { index?: unknown }).index === 'number' &&
    typeof (data as { name?: unknown }).name === 'string'
  );
}
