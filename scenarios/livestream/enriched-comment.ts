import type { SentimentResult } from 'eddy/memory';
import type { ViewerRow } from './users.ts';

export const TOPICS = [
  'price',
  'shipping',
  'product',
  'stream-quality',
  'host',
  'greeting',
  'cheer',
  'spam',
  'other',
] as const;
export type Topic = (typeof TOPICS)[number];

/** A comment after the profile join and the two AI functions. */
export type EnrichedComment = {
  readonly commentId: string;
  readonly room: string;
  readonly userId: string;
  readonly text: string;
  readonly at: number;
  /** null for a guest (no profile). */
  readonly viewer: ViewerRow | null;
  readonly sentiment: SentimentResult;
  readonly topic: { readonly label: Topic; readonly confidence: number };
};
