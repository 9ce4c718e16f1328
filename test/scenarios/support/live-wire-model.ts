import { minuteInPrompt } from '../../../scenarios/livestream/feedback-prompt.ts';
import { bodyOf, openaiCompletion, startOpenAIServer, type WireServer } from '../../agents/wire/index.ts';

/** The test's rules (not the offline ones): what the scripted model says of a comment. */
export function scriptedSentiment(text: string): {
  label: 'positive' | 'neutral' | 'negative';
  score: number;
} {
  if (/卡|lag|贵|expensive|糊|sync|没到/.test(text)) return { label: 'negative', score: -0.5 };
  if (/666|加油|🔥|好看|love|great|买了|😍/.test(text)) return { label: 'positive', score: 0.75 };
  return { label: 'neutral', score: 0 };
}

export function scriptedTopic(text: string): string {
  if (/vx|spam|红包|DM me|加V/i.test(text)) return 'spam';
  if (/钱|much|优惠|discount|便宜|贵|expensive/.test(text)) return 'price';
  if (/ship|发货|没到|链接/.test(text)) return 'shipping';
  if (/666|加油|🔥|GG|wow|冲|哈哈|👏|go/.test(text)) return 'cheer';
  return 'other';
}

const textOf = (content: string) => /^Text:\n([\s\S]*?)(\n\nGive label|$)/.exec(content)?.[1] ?? '';

/** A loopback OpenAI Chat Completions server playing the live-stream model: sentiment, topic, advice. */
export function startLiveWireModel(): Promise<WireServer> {
  return startOpenAIServer((request) => {
    const messages = bodyOf(request).messages as { role: string; content: string }[];
    const system = messages[0]?.content ?? '';
    const last = messages.at(-1)?.content ?? '';
    if (system.startsWith('You rate the sentiment'))
      return openaiCompletion({ content: JSON.stringify(scriptedSentiment(textOf(last))) });
    if (system.startsWith('You classify texts'))
      return openaiCompletion({
        content: JSON.stringify({ label: scriptedTopic(textOf(last)), confidence: 0.9 }),
      });
    const minute = minuteInPrompt(last);
    if (minute)
      return openaiCompletion({
        content: JSON.stringify({
          advice: `Answer the ${minute.questionCount} questions of this minute.`,
          priority: 'medium',
        }),
      });
    return openaiCompletion({ content: 'unexpected request' });
  });
}
