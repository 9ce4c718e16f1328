import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { structured } from '../../agents/models/structured.ts';
import { classify, extract, sentiment, summarize, translate } from '../../memory/functions/verticals.ts';
import { ScriptedModel } from '../agents/react/scripted-model.ts';

type Review = { readonly body: string };
const review: Review = { body: 'Der Akku hielt nur zwei Tage. Order 7781, shipped by DHL.' };

/** A model that answers what the case says, and keeps the requests to look at. */
const answering = (content: string) => new ScriptedModel(() => ({ content }));

describe('ready-made AI functions', () => {
  it('each sends the record’s text with its instructions and checks the answer with its schema', async () => {
    const cases = [
      {
        fn: sentiment<Review>({ text: (r) => r.body }),
        answer: { label: 'negative', score: -0.7 },
        system: /sentiment/,
      },
      {
        fn: classify<Review, 'shipping' | 'quality'>({
          text: (r) => r.body,
          labels: ['shipping', 'quality'],
        }),
        answer: { label: 'quality', confidence: 0.8 },
        system: /exactly one of: shipping, quality/,
      },
      {
        fn: extract<Review, { order: string | null; courier: string | null }>({
          text: (r) => r.body,
          schema: z.object({ order: z.string().nullable(), courier: z.string().nullable() }),
        }),
        answer: { order: '7781', courier: 'DHL' },
        system: /never invented/,
      },
      {
        fn: summarize<Review>({ text: (r) => r.body, words: 12 }),
        answer: { summary: 'Battery died in two days.' },
        system: /at most 12 words/,
      },
      {
        fn: translate<Review>({ text: (r) => r.body, to: 'English' }),
        answer: { text: 'The battery lasted only two days.', from: 'German' },
        system: /into English/,
      },
    ];
    for (const c of cases) {
      const model = answering(JSON.stringify(c.answer));
      const messages = c.fn.messages(review);
      expect(messages[0]?.role).toBe('system');
      expect(messages[0]?.content).toMatch(c.system);
      expect(messages.at(-1)?.content).toContain('Order 7781');
      const got = await structured(
        model,
        { messages, parameters: c.fn.parameters },
        c.fn.output as z.ZodType,
      );
      expect(got.value).toEqual(c.answer);
    }
  });

  it('refuses answers their schema does not allow', async () => {
    const fn = sentiment<Review>({ text: (r) => r.body });
    const model = answering(JSON.stringify({ label: 'furious', score: -3 }));
    await expect(
      structured(model, { messages: fn.messages(review) }, fn.output as z.ZodType),
    ).rejects.toThrow(/does not match|label|score/);
  });
});
