import type { Comment } from '../../../scenarios/livestream/comments.ts';
import { viewers } from '../../../scenarios/livestream/users.ts';
import { scriptedSentiment, scriptedTopic } from './live-wire-model.ts';

/** Per minute of event time, what the windows must say, computed from the raw comments and the scripted rules. */
export function liveReference(comments: readonly Comment[]) {
  const profiles = new Map(viewers().map((v) => [v.id, v]));
  const minutes = new Map<
    number,
    {
      comments: number;
      positive: number;
      neutral: number;
      negative: number;
      questions: number;
      vip: number;
      spam: number;
    }
  >();
  for (const c of comments) {
    const start = c.at - (c.at % 60_000);
    const m = minutes.get(start) ?? {
      comments: 0,
      positive: 0,
      neutral: 0,
      negative: 0,
      questions: 0,
      vip: 0,
      spam: 0,
    };
    const topic = scriptedTopic(c.text);
    m.comments++;
    m[scriptedSentiment(c.text).label]++;
    if (topic !== 'spam' && /[?？]/.test(c.text)) m.questions++;
    if (topic === 'spam') m.spam++;
    if (profiles.get(c.userId)?.vip === true) m.vip++;
    minutes.set(start, m);
  }
  return minutes;
}
