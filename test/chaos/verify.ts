import { partitionOf } from '../../core/log/partition-of.ts';
import { canonical, replayKey } from '../../core/replay/replay-key.ts';
import { STEP_EVENT } from '../../core/runtime/steps.ts';
import type { Json, Store } from '../../core/store/store.ts';
import type { PublishedEvent } from './publisher.ts';
import type { ReadRecord } from './read-topic.ts';
import type { Reference } from './reference.ts';
import { CHAOS, type SumState, sumActor } from './sum-actor.ts';

/** The run's verdict: all three are 0 when the outputs and states are exactly the fault-free ones. */
export interface Verdict {
  /** Events without their output (by msg id or by content). */
  readonly lost: number;
  /** Outputs beyond one per event (by msg id or by content), and outputs of no event. */
  readonly duplicated: number;
  /** Wrong output contents, final states, replays, snapshots, unknown keys and dead letters. */
  readonly mismatched: number;
  readonly details: VerdictDetails;
}

export interface VerdictDetails {
  readonly outputs: number;
  readonly lostByMsgId: number;
  readonly lostByContent: number;
  readonly duplicatedByMsgId: number;
  readonly duplicatedByContent: number;
  readonly outputsOfNoEvent: number;
  readonly wrongContent: number;
  readonly wrongFinalState: number;
  readonly wrongReplay: number;
  readonly snapshotMismatches: number;
  readonly unexpectedKeys: number;
  readonly deadLetters: number;
  /** Input records stored more than once (JetStream dedup failing): a cause, counted in the above. */
  readonly inputDuplicates: number;
  /** Lost events per input partition: how many, and the first input seqs. */
  readonly lostByPartition: Readonly<
    Record<number, { readonly count: number; readonly seqs: readonly number[] }>
  >;
  readonly examples: readonly string[];
}

export interface VerifyInput {
  readonly events: readonly PublishedEvent[];
  readonly reference: Reference;
  readonly outputs: readonly ReadRecord[];
  readonly deadLetters: readonly ReadRecord[];
  readonly inputs: readonly ReadRecord[];
  readonly store: Store;
  readonly partitions: number;
}

const MAX_EXAMPLES = 12;

/**
 * Compares a run's outputs and stored state with the fault-free reference:
 * every expected output present exactly once by msg id and by content, no
 * other output, each key's final state (latest snapshot plus journal) and its
 * full journal replay equal to the reference, every kept snapshot equal to the
 * replay at its version.
 *
 * @example
 * const verdict = await verify({ events, reference, outputs, deadLetters, inputs, store, partitions: 4 });
 */
export async function verify(input: VerifyInput): Promise<Verdict> {
  const examples: string[] = [];
  const example = (text: string): void => {
    if (examples.length < MAX_EXAMPLES) examples.push(text);
  };
  const { events, reference } = input;
  const eventOfMsgId = new Map(events.map((ev) => [outputMsgId(ev), ev.e] as const));
  const byMsgId = new Map<string, number>();
  const byContent = new Array<number>(events.length).fill(0);
  let outputsOfNoEvent = 0;
  let wrongContent = 0;
  for (const r of input.outputs) {
    byMsgId.set(r.msgId, (byMsgId.get(r.msgId) ?? 0) + 1);
    const claimed = eventOf(r.payload, events.length);
    const e = eventOfMsgId.get(r.msgId) ?? claimed;
    if (e === undefined) {
      outputsOfNoEvent++;
      example(`output of no event: ${r.msgId} ${JSON.stringify(r.payload)}`);
      continue;
    }
    if (claimed !== undefined) byContent[claimed] = (byContent[claimed] ?? 0) + 1;
    const expected = reference.outputs[e];
    if (
      expected === undefined ||
      canonical(r.payload as Json) !== canonical(expected) ||
      r.key !== expected.key
    ) {
      wrongContent++;
      example(`wrong output ${r.msgId}: ${JSON.stringify(r.payload)}, expected ${JSON.stringify(expected)}`);
    }
  }

  let lost = 0;
  let lostByMsgId = 0;
  let lostByContent = 0;
  let duplicated = outputsOfNoEvent;
  let duplicatedByMsgId = 0;
  let duplicatedByContent = 0;
  const lostByPartition: Record<number, { count: number; seqs: number[] }> = {};
  for (const ev of events) {
    const id = outputMsgId(ev);
    const idCount = byMsgId.get(id) ?? 0;
    const contentCount = byContent[ev.e] ?? 0;
    if (idCount === 0) lostByMsgId++;
    if (contentCount === 0) lostByContent++;
    if (idCount > 1) duplicatedByMsgId += idCount - 1;
    if (contentCount > 1) duplicatedByContent += contentCount - 1;
    if (idCount === 0 || contentCount === 0) {
      lost++;
      const group = lostByPartition[ev.partition] ?? { count: 0, seqs: [] };
      lostByPartition[ev.partition] = group;
      group.count++;
      if (group.seqs.length < 8) group.seqs.push(ev.seq);
      example(`lost output of event ${ev.e} (${id}): ${idCount} by msg id, ${contentCount} by content`);
    }
    const copies = Math.max(idCount, contentCount);
    if (copies > 1) {
      duplicated += copies - 1;
      example(`event ${ev.e} (${id}) has ${idCount} outputs by msg id, ${contentCount} by content`);
    }
  }

  const states = await checkStates(input, example);
  for (const d of input.deadLetters) example(`dead letter ${d.msgId}: ${JSON.stringify(d.payload)}`);
  const inputIds = new Map<string, number>();
  for (const r of input.inputs) inputIds.set(r.msgId, (inputIds.get(r.msgId) ?? 0) + 1);
  const inputDuplicates = [...inputIds.values()].reduce((sum, n) => sum + n - 1, 0);

  const details: VerdictDetails = {
    outputs: input.outputs.length,
    lostByMsgId,
    lostByContent,
    duplicatedByMsgId,
    duplicatedByContent,
    outputsOfNoEvent,
    wrongContent,
    ...states,
    deadLetters: input.deadLetters.length,
    inputDuplicates,
    lostByPartition,
    examples,
  };
  const mismatched =
    wrongContent +
    states.wrongFinalState +
    states.wrongReplay +
    states.snapshotMismatches +
    states.unexpectedKeys +
    input.deadLetters.length;
  return { lost, duplicated, mismatched, details };
}

/** The stage's msg id of the one output of an input: stage, partition, input seq, output index. */
function outputMsgId(ev: PublishedEvent): string {
  return `${CHAOS.stage}:${ev.partition}:${ev.seq}:0`;
}

function eventOf(payload: unknown, count: number): number | undefined {
  if (typeof payload !== 'object' || payload === null || !('e' in payload)) return undefined;
  const e = payload.e;
  return typeof e === 'number' && Number.isInteger(e) && e >= 0 && e < count ? e : undefined;
}

async function checkStates(
  input: VerifyInput,
  example: (text: string) => void,
): Promise<
  Pick<VerdictDetails, 'wrongFinalState' | 'wrongReplay' | 'snapshotMismatches' | 'unexpectedKeys'>
> {
  const { store, partitions } = input;
  const finals = input.reference.finals;
  let explained = 0;
  let wrongFinalState = 0;
  let wrongReplay = 0;
  let snapshotMismatches = 0;
  for (const [key, expected] of finals) {
    const record = await store.load(sumActor.name, key, CHAOS.stage, partitionOf(key, partitions));
    let state = (record.snapshot?.state as SumState | undefined) ?? sumActor.initial(key);
    for (const event of record.events) {
      if (event.type === STEP_EVENT) continue;
      state = sumActor.evolve(state, event.data as Parameters<typeof sumActor.evolve>[1]);
    }
    if (canonical(state) !== canonical(expected)) {
      wrongFinalState++;
      example(`final state of ${key}: ${JSON.stringify(state)}, expected ${JSON.stringify(expected)}`);
      if (explained++ < 3) example(await journalGaps(store, key, input.events));
    }
    const replay = await replayKey(sumActor, store, key);
    if (canonical(replay.state) !== canonical(expected)) {
      wrongReplay++;
      example(`replay of ${key}: ${JSON.stringify(replay.state)}, expected ${JSON.stringify(expected)}`);
    }
    snapshotMismatches += replay.mismatches.length;
    for (const m of replay.mismatches) {
      example(
        `snapshot of ${key} v${m.version}: ${JSON.stringify(m.snapshot)}, replay ${JSON.stringify(m.replayed)}`,
      );
    }
  }
  const unknown = (await store.keys(sumActor.name)).filter((key) => !finals.has(key));
  for (const key of unknown.slice(0, 3)) example(`state for a key never published: ${key}`);
  return { wrongFinalState, wrongReplay, snapshotMismatches, unexpectedKeys: unknown.length };
}

/** Which of a key's inputs its journal lacks or holds twice, by input seq: where a wrong state came from. */
async function journalGaps(store: Store, key: string, events: readonly PublishedEvent[]): Promise<string> {
  const journal = await store.journal(sumActor.name, key);
  const applied = new Map<number, number>();
  for (const j of journal) applied.set(j.inputSeq, (applied.get(j.inputSeq) ?? 0) + 1);
  const mine = events.filter((ev) => ev.key === key);
  const missing = mine.filter((ev) => !applied.has(ev.seq)).map((ev) => `e${ev.e}@${ev.partition}:${ev.seq}`);
  const twice = [...applied].filter(([, n]) => n > 1).map(([seq]) => seq);
  const order = journal.map((j) => j.inputSeq).join(',');
  return `${key}: journal lacks ${missing.join(' ') || 'nothing'}; applied twice: ${twice.join(',') || 'none'}; journal input seqs in order: ${order}`;
}
