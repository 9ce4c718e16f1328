import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonAnswer, parseToolArguments, splitReasoning } from '../../../agents/models/index.ts';

describe('splitReasoning', () => {
  it('takes <think> blocks out and keeps them as reasoning', () => {
    expect(splitReasoning('<think>a</think>\nB <think>c</think> D')).toEqual({
      content: 'B  D',
      reasoning: 'a\n\nc',
    });
  });
  it('reads a closing tag without an opening one as reasoning before it', () => {
    expect(splitReasoning('thinking...</think>\n\nAnswer')).toEqual({
      content: 'Answer',
      reasoning: 'thinking...',
    });
  });
  it('reads an unclosed tag (cut by max tokens) as reasoning to the end', () => {
    expect(splitReasoning('Partial <think>still going')).toEqual({
      content: 'Partial',
      reasoning: 'still going',
    });
  });
  it('leaves text without tags exactly as it is', () => {
    expect(splitReasoning('  plain  ')).toEqual({ content: '  plain  ', reasoning: undefined });
    expect(splitReasoning('<think>  </think>ok')).toEqual({ content: 'ok', reasoning: undefined });
  });
});

describe('parseJsonAnswer', () => {
  it('finds JSON bare, fenced, or amid prose', () => {
    expect(parseJsonAnswer(' {"a":1} ')).toEqual({ ok: true, value: { a: 1 }, text: '{"a":1}' });
    expect(parseJsonAnswer('Sure:\n```json\n{"a": [1, 2]}\n```\nDone.')).toMatchObject({
      value: { a: [1, 2] },
    });
    expect(parseJsonAnswer('```\n[true]\n```')).toMatchObject({ value: [true] });
    expect(parseJsonAnswer('```text\nnot json\n```\n```JSON\n{"b":2}\n```')).toMatchObject({
      value: { b: 2 },
    });
    expect(parseJsonAnswer('The result is {"s": "a } brace"} as asked.')).toMatchObject({
      value: { s: 'a } brace' },
    });
    expect(parseJsonAnswer('no json here').ok).toBe(false);
    expect(parseJsonAnswer('').ok).toBe(false);
  });

  it('recovers any JSON object however it is wrapped', () => {
    const prose = fc.string().filter((s) => !/[{}[\]`"]/.test(s));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        prose,
        prose,
        fc.boolean(),
        (value, before, after, fence) => {
          const json = JSON.stringify(value, null, fence ? 2 : 0);
          const answer = fence
            ? `${before}\n\`\`\`json\n${json}\n\`\`\`\n${after}`
            : `${before} ${json} ${after}`;
          const parsed = parseJsonAnswer(answer);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) expect(parsed.value).toEqual(JSON.parse(json));
        },
      ),
    );
  });
});

describe('parseToolArguments', () => {
  const schema = z.object({ city: z.string(), days: z.int().min(1).default(1) });
  const call = (args: string) => ({ id: 'c1', name: 'forecast', arguments: args });

  it('parses and validates, applying defaults', () => {
    expect(parseToolArguments(call('{"city":"Oslo"}'), schema)).toEqual({
      ok: true,
      value: { city: 'Oslo', days: 1 },
    });
    expect(parseToolArguments(call('```json\n{"city":"Oslo","days":2}\n```'), schema)).toMatchObject({
      ok: true,
      value: { days: 2 },
    });
    expect(parseToolArguments(call(''), z.object({}))).toEqual({ ok: true, value: {} });
  });

  it('tells malformed JSON from arguments that do not match, with a message for the model', () => {
    const broken = parseToolArguments(call('{"city": "Os'), schema);
    expect(broken).toMatchObject({ ok: false, reason: 'invalid_json' });
    const wrong = parseToolArguments(call('{"city": 3, "days": 0}'), schema);
    expect(wrong).toMatchObject({ ok: false, reason: 'invalid_arguments' });
    if (!wrong.ok) {
      expect(wrong.issues.map((i) => i.path)).toEqual(['city', 'days']);
      expect(wrong.message).toMatch(
        /^the arguments of tool "forecast" do not match its parameters \(city: .*; days: .*\)/,
      );
    }
  });
});
