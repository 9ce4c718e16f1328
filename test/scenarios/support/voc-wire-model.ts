import { reviewInPrompt } from '../../../scenarios/voc/review-score.ts';
import { suggestionsInPrompt } from '../../../scenarios/voc/suggestion-prompt.ts';
import { bodyOf, openaiCompletion, startOpenAIServer, type WireServer } from '../../agents/wire/index.ts';

/** The test's own scoring rule (not the offline one): what the scripted model answers. */
export function scriptedScore(review: {
  readonly id: string;
  readonly stars: number;
  readonly text: string;
}) {
  const text = review.text.toLowerCase();
  const shipping = /parcel|deliver|courier|tracking|box|shipping|arrived|快递|物流|包装/.test(text);
  const quality = /broke|working|cracked|flimsy|battery|坏|质量/.test(text);
  const score = review.stars <= 2 ? review.stars - 1 : review.stars;
  return {
    id: review.id,
    score,
    reasons: [shipping ? (score <= 2 ? 'slow shipping' : 'quick shipping') : 'the product itself'],
    aspects: [...(shipping ? ['shipping'] : []), ...(quality ? ['quality'] : [])],
  };
}

/** Reviews whose first answer is not JSON (the scorer must repair them with one more turn). */
export const needsRepair = (id: string) => id.endsWith('7');

/**
 * A loopback server speaking OpenAI Chat Completions that plays the VOC
 * model: scores reviews by `scriptedScore` (a broken first answer for some,
 * to exercise the repair turn) and gives three suggestions per window.
 */
export async function startVocWireModel(): Promise<WireServer> {
  return startOpenAIServer((request) => {
    const messages = bodyOf(request).messages as { role: string; content: string }[];
    const last = messages.at(-1)?.content ?? '';
    const review = reviewInPrompt(last);
    if (review) {
      const broken = needsRepair(review.id) && messages.length === 2;
      return openaiCompletion({
        content: broken ? 'Sure! The score is four.' : JSON.stringify(scriptedScore(review)),
      });
    }
    if (/does not fit the schema/.test(last)) {
      const first = reviewInPrompt(messages[1]?.content ?? '');
      if (first)
        return openaiCompletion({ content: `\`\`\`json\n${JSON.stringify(scriptedScore(first))}\n\`\`\`` });
    }
    const window = suggestionsInPrompt(last);
    if (window)
      return openaiCompletion({
        content: JSON.stringify({
          suggestions: [
            `Look into ${window.topReasons[0] ?? 'the reviews'} for ${window.product}`,
            `Follow up with the ${window.histogram.slice(0, 3).reduce((a, b) => a + b, 0)} unhappy customers`,
            'Check again next minute',
          ],
        }),
      });
    return openaiCompletion({ content: 'unexpected request' });
  });
}
