import { Registry } from 'prom-client';
import type { Envelope } from '../../../core/envelope.ts';
import type { Log } from '../../../core/log/log.ts';
import { replayKey } from '../../../core/replay/replay-key.ts';
import type { DeadLetter } from '../../../core/runtime/dead-letter.ts';
import { Stage } from '../../../core/stage/stage.ts';
import type { Json, Store } from '../../../core/store/store.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';
import { type PoisonState, poisonActor, poisonInput } from './poison-actor.ts';
import { type PoisonCase, poisonCases, type RefusedCase, refusedCases } from './poison-cases.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PARTITIONS = 2;

/** A case as it went into the log, with where its middle (bad) record landed. */
export interface PlacedCase {
  readonly case: PoisonCase;
  readonly key: string;
  readonly partition: number;
  readonly seq: number;
}

export interface PoisonRun {
  readonly placed: readonly PlacedCase[];
  /** What `append` threw for each refused case (undefined: it did not throw). */
  readonly refusals: ReadonlyMap<RefusedCase, unknown>;
  /** Records in each input partition once everything was appended. */
  readonly inputCounts: readonly number[];
  readonly deadLetters: readonly { readonly envelope: Envelope<Uint8Array>; readonly letter: DeadLetter }[];
  /** Output payloads per key, in log order. */
  readonly outputs: ReadonlyMap<string, readonly Json[]>;
  readonly outputIds: readonly string[];
  readonly states: ReadonlyMap<string, PoisonState>;
  readonly errors: readonly string[];
  readonly metrics: string;
}

/** Extra records a log lets a producer outside eddy write (JetStream: raw publishes). */
export interface ForeignRecords {
  readonly cases: readonly PoisonCase[];
  /**
   * Publishes a case's record the way a producer outside eddy would, to the
   * partition of `key` (the key of the good records around it), and says
   * where it landed.
   */
  publish(
    input: string,
    c: PoisonCase,
    key: string,
  ): Promise<{ readonly partition: number; readonly seq: number }>;
}

/**
 * Appends every poison case between two good records of its own key, tries
 * every refused case, runs one stage of the poison actor over it all, and
 * collects what came out: dead letters, outputs, replayed states, error logs.
 */
export async function runPoison(
  log: Log,
  store: Store,
  run: string,
  foreign?: ForeignRecords,
): Promise<PoisonRun> {
  const input = `${run}.in`;
  const output = `${run}.out`;
  await log.ensureTopic({ subject: input, partitions: PARTITIONS });
  let msg = 0;
  const append = (key: string, payload: Uint8Array, headers?: Readonly<Record<string, string>>) =>
    log.append(input, { key, payload, msgId: `${run}-${++msg}`, ...(headers ? { headers } : {}) });
  const good = async (key: string, n: number): Promise<void> => {
    await append(key, encoder.encode(JSON.stringify({ op: 'add', n })));
  };
  const placed: PlacedCase[] = [];
  const place = async (
    c: PoisonCase,
    key: string,
    bad: () => Promise<{ partition: number; seq: number }>,
  ) => {
    await good(key, 1);
    await good('control', 1);
    const at = await bad();
    await good(key, 2);
    placed.push({ case: c, key, partition: at.partition, seq: at.seq });
  };
  for (const [i, c] of poisonCases.entries()) {
    const key = c.key ?? `case-${i}`;
    await place(c, key, () => append(key, c.payload, c.headers));
  }
  for (const [i, c] of (foreign?.cases ?? []).entries()) {
    await place(c, `foreign-${i}`, () => foreign?.publish(input, c, `foreign-${i}`) ?? Promise.reject());
  }
  const refusals = new Map<RefusedCase, unknown>();
  for (const c of refusedCases) {
    refusals.set(
      c,
      await append(c.key, c.payload, c.headers).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
  }
  const inputCounts = await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, p) => (await readAll(log, input, p)).length),
  );
  const lastSeqs = await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, p) => (await readAll(log, input, p)).at(-1)?.seq ?? 0),
  );

  const logger = new RecordingLogger();
  const registry = new Registry();
  const stage = new Stage({
    name: run,
    log,
    store,
    input,
    output,
    actor: poisonActor,
    schema: poisonInput,
    commitIntervalMs: 5,
    restartDelayMs: 50,
    logger,
    metrics: registry,
  });
  await stage.start();
  const settled = await waitUntil(
    async () => {
      const marks = stage.watermarks();
      if (!lastSeqs.every((seq, p) => (marks.get(p) ?? 0) >= seq)) return false;
      for (let p = 0; p < PARTITIONS; p++) if ((await store.outbox(run, p)).length > 0) return false;
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 20 },
  );
  const metrics = await registry.metrics();
  await stage.stop();
  const errors = logger.at('error');
  if (settled !== undefined) errors.push(`the stage did not get through its input: ${settled}`);

  const deadLetters = [];
  for (let p = 0; p < PARTITIONS; p++) {
    for (const envelope of await readAll(log, stage.deadLetterSubject, p)) {
      deadLetters.push({ envelope, letter: JSON.parse(decoder.decode(envelope.payload)) as DeadLetter });
    }
  }
  const outputs = new Map<string, Json[]>();
  const outputIds: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    for (const envelope of await readAll(log, output, p)) {
      outputIds.push(envelope.id);
      const list = outputs.get(envelope.key) ?? [];
      list.push(JSON.parse(decoder.decode(envelope.payload)) as Json);
      outputs.set(envelope.key, list);
    }
  }
  const states = new Map<string, PoisonState>();
  for (const key of new Set([...placed.map((p) => p.key), 'control'])) {
    states.set(key, (await replayKey(poisonActor, store, key)).state);
  }
  return { placed, refusals, inputCounts, deadLetters, outputs, outputIds, states, errors, metrics };
}

async function readAll(log: Log, subject: string, partition: number): Promise<Envelope<Uint8Array>[]> {
  const out: Envelope<Uint8Array>[] = [];
  for await (const envelope of log.read(subject, partition, 1)) out.push(envelope);
  return out;
}
