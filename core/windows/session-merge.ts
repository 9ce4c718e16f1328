import type { TimeWindow } from './window-assigner.ts';
import type { OpenWindow } from './window-types.ts';

/**
 * The session a record's window `[t, t + gap)` makes with the key's open
 * windows it overlaps: their span, and the starts of those it swallows (the
 * new session's own start among them when one of them starts there).
 */
export function sessionOf(
  open: { readonly [start: string]: OpenWindow },
  proto: TimeWindow,
): { readonly window: TimeWindow; readonly from: readonly number[] } {
  let { start, end } = proto;
  const from: number[] = [];
  for (const [key, w] of Object.entries(open)) {
    const s = Number(key);
    if (s < proto.end && proto.start < w.end) {
      from.push(s);
      start = Math.min(start, s);
      end = Math.max(end, w.end);
    }
  }
  return { window: { start, end }, from: from.sort((a, b) => a - b) };
}
