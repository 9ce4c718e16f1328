import { z } from 'zod';
import type { ChatModel } from '../../agents/models/chat-model.ts';
import type { ModelConfig } from '../../agents/models/model-config.ts';
import type { Json } from '../../core/store/store.ts';
import { defineModel } from './define-model.ts';
import type { ModelFunction } from './model-function.ts';

/** What every ready-made function takes: which text of the record, and which model. */
export interface TextFunctionOptions<R> {
  /** The text of a record to work on. */
  readonly text: (record: R) => string;
  readonly model?: string | ModelConfig | ChatModel;
  /** Default: the function's kind (`sentiment`, `classify`, ...). */
  readonly name?: string;
}

const anyRecord = <R>() => z.custom<R>(() => true);

const Sentiment = z.object({
  label: z.enum(['positive', 'neutral', 'negative']),
  score: z.number().min(-1).max(1),
});
export type SentimentResult = z.infer<typeof Sentiment>;

/**
 * Sentiment of a text: a label and a score from -1 (very negative) to 1;
 * sarcasm and mixed feelings count for what the writer means.
 *
 * @example
 * ```ts
 * from('reviews', Review).pipe(predict(sentiment({ text: (r) => r.body })), to('scored'));
 * ```
 */
export function sentiment<R>(o: TextFunctionOptions<R>): ModelFunction<R, SentimentResult> {
  return defineModel({
    name: o.name ?? 'sentiment',
    ...(o.model === undefined ? {} : { model: o.model }),
    input: anyRecord<R>(),
    output: Sentiment,
    system:
      'You rate the sentiment of customer texts in any language. Read sarcasm for what it means. Answer with JSON only.',
    prompt: (r) => `Text:\n${o.text(r)}\n\nGive label (positive, neutral or negative) and score (-1 to 1).`,
    parameters: { temperature: 0 },
  });
}

/** Which of `labels` a text is (one), with the model's confidence. */
export function classify<R, const L extends string>(
  o: TextFunctionOptions<R> & { readonly labels: readonly [L, ...L[]]; readonly instructions?: string },
): ModelFunction<R, { label: L; confidence: number }> {
  const output = z.object({ label: z.enum(o.labels), confidence: z.number().min(0).max(1) });
  return defineModel({
    name: o.name ?? 'classify',
    ...(o.model === undefined ? {} : { model: o.model }),
    input: anyRecord<R>(),
    output: output as unknown as z.ZodType<{ label: L; confidence: number }>,
    system: `You classify texts into exactly one of: ${o.labels.join(', ')}. ${o.instructions ?? ''} Answer with JSON only.`,
    prompt: (r) => `Text:\n${o.text(r)}`,
    parameters: { temperature: 0 },
  });
}

/** Fields of `schema` read out of a text; a field the text does not give is null where the schema allows. */
export function extract<R, O extends Json>(
  o: TextFunctionOptions<R> & { readonly schema: z.ZodType<O>; readonly instructions?: string },
): ModelFunction<R, O> {
  return defineModel({
    name: o.name ?? 'extract',
    ...(o.model === undefined ? {} : { model: o.model }),
    input: anyRecord<R>(),
    output: o.schema,
    system: `You extract structured fields from texts, exactly as written, never invented. ${o.instructions ?? ''} Answer with JSON only.`,
    prompt: (r) => `Text:\n${o.text(r)}`,
    parameters: { temperature: 0 },
  });
}

const Summary = z.object({ summary: z.string() });

/** A summary of at most `words` words (default 40). */
export function summarize<R>(
  o: TextFunctionOptions<R> & { readonly words?: number },
): ModelFunction<R, { summary: string }> {
  return defineModel({
    name: o.name ?? 'summarize',
    ...(o.model === undefined ? {} : { model: o.model }),
    input: anyRecord<R>(),
    output: Summary,
    system: `You summarise texts in at most ${o.words ?? 40} words, keeping names, numbers and error codes. Answer with JSON only.`,
    prompt: (r) => `Text:\n${o.text(r)}`,
  });
}

const Translation = z.object({ text: z.string(), from: z.string() });

/** The text in language `to` (a name or a BCP 47 tag), with the language it was in. */
export function translate<R>(
  o: TextFunctionOptions<R> & { readonly to: string },
): ModelFunction<R, { text: string; from: string }> {
  return defineModel({
    name: o.name ?? 'translate',
    ...(o.model === undefined ? {} : { model: o.model }),
    input: anyRecord<R>(),
    output: Translation,
    system: `You translate texts into ${o.to}, keeping names, numbers, emoji and error codes as they are. Answer with JSON only: text (the translation) and from (the source language).`,
    prompt: (r) => o.text(r),
  });
}
