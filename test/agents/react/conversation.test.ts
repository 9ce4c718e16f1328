import { describe, expect, it } from 'vitest';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { reactInputSchema } from '../../../agents/react/react-io.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor, to } from '../../../core/pipeline/steps.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { ScriptedModel } from './scripted-model.ts';

const encoder = new TextEncoder();

describe('ReAct short-term memory', () => {
  it('carries earlier turns into the next question, folds old ones into a journaled summary, and keeps keys apart', async () => {
    const model = new ScriptedModel((request) => {
      const system = request.messages[0]?.content ?? '';
      if (system.startsWith('Summarise this conversation'))
        return { content: 'user is Ada; order A1 is late' };
      const question = request.messages.at(-1)?.content ?? '';
      return { content: `re: ${question}` };
    });
    const agent = reactAgent({ name: 'chat', model, conversation: { maxTokens: 12 } });
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'chat.in', partitions: 1 });
    let answered = 0;
    const running = pipeline(
      { name: 'chat', log, store },
      from('chat.in', reactInputSchema).pipe(actor(agent), to('chat.out')),
    );
    running.subscribe(() => answered++);
    await running.start();
    const questions = ['I am Ada', 'my order A1 is late', 'where is it now?', 'and the refund?'];
    for (const [i, q] of questions.entries()) {
      await log.append('chat.in', {
        key: 'ada',
        msgId: `q${i}`,
        payload: encoder.encode(JSON.stringify({ type: 'ask', question: q })),
      });
      expect(await waitUntil(async () => answered === i + 1, { timeoutMs: 5_000 })).toBeUndefined();
    }
    await log.append('chat.in', {
      key: 'bob',
      msgId: 'b0',
      payload: encoder.encode(JSON.stringify({ type: 'ask', question: 'hello' })),
    });
    expect(await waitUntil(async () => answered === 5, { timeoutMs: 5_000 })).toBeUndefined();
    await running.stop();

    const asked = model.requests.filter((r) => !(r.messages[0]?.content ?? '').startsWith('Summarise'));
    // The second question went with the first turn.
    expect(asked[1]?.messages.map((m) => m.content)).toEqual([
      'I am Ada',
      're: I am Ada',
      'my order A1 is late',
    ]);
    // The turns outgrew 12 tokens: the oldest went into a summary, which later questions start with.
    const summaries = model.requests.filter((r) => (r.messages[0]?.content ?? '').startsWith('Summarise'));
    expect(summaries.length).toBeGreaterThan(0);
    expect(asked[3]?.messages[0]?.content).toBe(
      'Summary of our conversation so far: user is Ada; order A1 is late',
    );
    const carried = asked[3]?.messages.map((m) => m.content).join(' ') ?? '';
    expect(Math.ceil(carried.length / 4)).toBeLessThan(80);
    // Another key starts with nothing of Ada's.
    expect(asked[4]?.messages.map((m) => m.content)).toEqual(['hello']);
    // The summary is journaled: the state holds it, and a replay of the journal needs no model.
    const journal = await store.journal('chat', 'ada', 1);
    expect(journal.some((e) => e.type === 'HistorySummarized')).toBe(true);
  });
});
