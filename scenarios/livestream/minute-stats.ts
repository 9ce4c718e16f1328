import { type Aggregate, tumbling, windowed } from 'eddy';
import type { EnrichedComment } from './enriched-comment.ts';

type Acc = {
  comments: number;
  positive: number;
  neutral: number;
  negative: number;
  sentimentSum: number;
  topics: Record<string, number>;
  questions: string[];
  questionCount: number;
  vip: number;
  followers: number;
  spam: number;
};

/** A minute of a room: what the dashboard draws and the feedback agent reads. */
export type MinuteStats = {
  comments: number;
  sentiment: { positive: number; neutral: number; negative: number };
  averageSentiment: number;
  topTopics: { topic: string; count: number }[];
  questions: string[];
  questionCount: number;
  vipShare: number;
  followerShare: number;
  spamShare: number;
};

const MAX_QUESTIONS = 5;

/** Whether a comment asks something: a question mark in either script, or Chinese 吗/呢 at the end. */
export const isQuestion = (text: string) => /[?？]|[吗呢][\s\p{Emoji}]*$/u.test(text);

const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 1000);

export const minuteAggregate: Aggregate<EnrichedComment, Acc, MinuteStats> = {
  create: () => ({
    comments: 0,
    positive: 0,
    neutral: 0,
    negative: 0,
    sentimentSum: 0,
    topics: {},
    questions: [],
    questionCount: 0,
    vip: 0,
    followers: 0,
    spam: 0,
  }),
  add: (acc, c) => {
    const topic = c.topic.label;
    const question = topic !== 'spam' && isQuestion(c.text);
    const text = c.text.trim();
    return {
      comments: acc.comments + 1,
      positive: acc.positive + (c.sentiment.label === 'positive' ? 1 : 0),
      neutral: acc.neutral + (c.sentiment.label === 'neutral' ? 1 : 0),
      negative: acc.negative + (c.sentiment.label === 'negative' ? 1 : 0),
      sentimentSum: acc.sentimentSum + c.sentiment.score,
      topics: { ...acc.topics, [topic]: (acc.topics[topic] ?? 0) + 1 },
      questions:
        question && acc.questions.length < MAX_QUESTIONS && !acc.questions.includes(text)
          ? [...acc.questions, text]
          : acc.questions,
      questionCount: acc.questionCount + (question ? 1 : 0),
      vip: acc.vip + (c.viewer?.vip === true ? 1 : 0),
      followers: acc.followers + (c.viewer?.follower === true ? 1 : 0),
      spam: acc.spam + (topic === 'spam' ? 1 : 0),
    };
  },
  result: (acc) => ({
    comments: acc.comments,
    sentiment: { positive: acc.positive, neutral: acc.neutral, negative: acc.negative },
    averageSentiment: acc.comments === 0 ? 0 : Math.round((acc.sentimentSum / acc.comments) * 1000) / 1000,
    topTopics: Object.entries(acc.topics)
      .filter(([topic]) => topic !== 'spam')
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 3)
      .map(([topic, count]) => ({ topic, count })),
    questions: acc.questions,
    questionCount: acc.questionCount,
    vipShare: share(acc.vip, acc.comments),
    followerShare: share(acc.followers, acc.comments),
    spamShare: share(acc.spam, acc.comments),
  }),
};

/** Per room and minute of event time, with partial results every `earlyFiringMs` of wall-clock time. */
export function minuteStats(name: string, lateSubject: string, earlyFiringMs: number) {
  return windowed({
    name,
    window: tumbling(60_000),
    aggregate: minuteAggregate,
    earlyFiringMs,
    allowedLatenessMs: 10_000,
    lateSubject,
  });
}
