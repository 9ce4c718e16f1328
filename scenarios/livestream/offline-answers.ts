import type { ChatRequest } from 'eddy/agents';
import type { Topic } from './enriched-comment.ts';
import { minuteInPrompt } from './feedback-prompt.ts';

const POSITIVE = [
  '666',
  '加油',
  '🔥',
  'wow',
  '冲',
  '哈哈',
  '👏',
  'go',
  '好看',
  'love',
  '不错',
  'comfy',
  '美',
  'great',
  '买了',
  '😍',
  '❤️',
  '👍',
];
const NEGATIVE = ['卡', 'lag', '贵', 'expensive', '糊', 'sync', '没到', '🙄'];

const TOPIC_WORDS: readonly [Topic, readonly string[]][] = [
  ['spam', ['加v', 'vx', 'spam', '红包', 'dm me', 'free followers']],
  ['price', ['钱', 'much', '优惠', 'discount', '便宜', '贵', 'expensive', '💰']],
  ['shipping', ['ship', '发货', '没到', '链接']],
  ['stream-quality', ['卡', 'lag', '糊', 'sync', 'audio']],
  ['product', ['size', 'color', '质量', 'comfy', '好看']],
  ['host', ['主播', 'demo']],
  ['greeting', ['来了', 'hi ', 'first time', '第一次', '晚上好', 'evening']],
  ['cheer', ['666', '加油', '🔥', 'gg', 'wow', '冲', '哈哈', '👏', 'go', '买了', 'love']],
];

/**
 * The live-stream pack's canned answers for the offline model: sentiment and
 * topic from word lists, and advice from the minute's top topic. Rules of
 * thumb, announced as offline.
 */
export function liveOfflineAnswer(request: ChatRequest): string | undefined {
  const system = request.messages[0]?.content ?? '';
  const last = request.messages.at(-1)?.content ?? '';
  const text = /^Text:\n([\s\S]*?)(\n\n|$)/.exec(last)?.[1]?.toLowerCase();
  if (text !== undefined && system.startsWith('You rate the sentiment')) {
    const pos = POSITIVE.some((w) => text.includes(w));
    const neg = NEGATIVE.some((w) => text.includes(w));
    const label = neg ? 'negative' : pos ? 'positive' : 'neutral';
    return JSON.stringify({ label, score: label === 'positive' ? 0.7 : label === 'negative' ? -0.6 : 0 });
  }
  if (text !== undefined && system.startsWith('You classify texts')) {
    const label = TOPIC_WORDS.find(([, words]) => words.some((w) => text.includes(w)))?.[0] ?? 'other';
    return JSON.stringify({ label, confidence: label === 'other' ? 0.4 : 0.8 });
  }
  const minute = minuteInPrompt(last);
  if (minute) return JSON.stringify(advice(minute));
  return undefined;
}

function advice(m: NonNullable<ReturnType<typeof minuteInPrompt>>) {
  const top = m.topTopics[0]?.topic;
  if (m.sentiment.negative > m.comments * 0.25 && m.topTopics.some((t) => t.topic === 'stream-quality'))
    return {
      advice: 'Viewers say the stream is lagging: check the encoder and apologise on air.',
      priority: 'high',
    };
  if (m.questionCount >= 3)
    return {
      advice: `${m.questionCount} questions this minute, e.g. "${m.questions[0] ?? ''}": answer them and pin the price.`,
      priority: 'medium',
    };
  if (top === 'cheer')
    return { advice: 'The chat is excited: announce the limited offer now.', priority: 'medium' };
  return {
    advice: `Most talk is about ${top ?? 'nothing in particular'}: keep going and invite questions.`,
    priority: 'low',
  };
}
