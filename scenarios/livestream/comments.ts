import { seededRandom } from 'eddy';
import { type CommentKind, EMOJI, TEXTS } from './comment-texts.ts';
import type { Viewer } from './users.ts';

/** A live comment as the streaming platform sends it. */
export interface Comment {
  readonly commentId: string;
  readonly room: string;
  readonly userId: string;
  readonly text: string;
  /** ms since the epoch (event time). */
  readonly at: number;
}

export interface CommentStreamOptions {
  readonly count: number;
  readonly viewers: readonly Viewer[];
  readonly seed?: number;
  readonly room?: string;
  readonly start?: number;
  /** Mean event-time gap between comments outside bursts (ms). Default 150. */
  readonly meanGapMs?: number;
}

const KIND_WEIGHTS: readonly [CommentKind, number][] = [
  ['chat', 0.22],
  ['cheer', 0.25],
  ['question', 0.18],
  ['praise', 0.16],
  ['complaint', 0.11],
  ['spam', 0.08],
];

/**
 * A reproducible stream of live comments: mostly short chat, cheers,
 * questions about price and shipping, praise, complaints about the stream's
 * quality and a few per cent spam; bursts of repeated cheers when something
 * happens on stream (every twenty seconds or so of event time); a few
 * viewers not in the profile table (guests). The same seed, the same stream.
 *
 * @example
 * ```ts
 * for (const c of commentStream({ count: 500, viewers: viewers() })) append(c);
 * ```
 */
export function* commentStream(o: CommentStreamOptions): Generator<Comment> {
  const random = seededRandom(o.seed ?? 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const gap = o.meanGapMs ?? 150;
  const room = o.room ?? 'live-1';
  let at = o.start ?? Date.UTC(2026, 11, 1, 20, 0, 0);
  let burst = 0;
  let nextMoment = at + 15_000 + random() * 10_000;
  for (let i = 0; i < o.count; i++) {
    if (at >= nextMoment) {
      burst = 20 + Math.floor(random() * 30);
      nextMoment = at + 15_000 + random() * 15_000;
    }
    at += burst > 0 ? Math.round(random() * gap * 0.2) : Math.round(random() * gap * 2);
    const kind: CommentKind = burst > 0 ? 'cheer' : weighted(random);
    if (burst > 0) burst--;
    let text = pick(TEXTS[kind]);
    if (kind !== 'spam' && random() < 0.3) text = `${text}${pick(EMOJI)}`;
    const viewer = pick(o.viewers);
    const guest = random() < 0.03;
    yield {
      commentId: `C-${o.seed ?? 17}-${String(i + 1).padStart(6, '0')}`,
      room,
      userId: guest ? `G-${Math.floor(random() * 1e6)}` : viewer.id,
      text,
      at,
    };
  }
}

function weighted(random: () => number): CommentKind {
  let r = random();
  for (const [kind, weight] of KIND_WEIGHTS) {
    if (r < weight) return kind;
    r -= weight;
  }
  return 'chat';
}
