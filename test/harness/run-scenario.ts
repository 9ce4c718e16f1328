import type { ActorDefinition, ActorEvent } from '../../core/actor/actor-definition.ts';
import { makeUpcaster } from '../../core/actor/upcast.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { canonical, replayKey, type SnapshotMismatch } from '../../core/replay/replay-key.ts';
import type { ActorSlot } from '../../core/runtime/key-slot.ts';
import type { AnyActor } from '../../core/runtime/program.ts';
import { recoverActor } from '../../core/runtime/recover-slot.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json, Store } from '../../core/store/store.ts';
import type { Fault } from './faults.ts';
import { FaultyLog } from './faulty-log.ts';
import { FaultyStore } from './faulty-store.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface ScenarioInput {
  readonly key: string;
  readonly payload: Json;
  readonly eventTime?: number;
}

export interface ScenarioOptions<S extends Json, I, E extends ActorEvent, O extends Json> {
  readonly actor: ActorDefinition<S, I, E, O>;
  readonly inputs: readonly ScenarioInput[];
  readonly faults?: readonly Fault[];
  /** Input partitions. Default 2. */
  readonly partitions?: number;
  /**
   * The store to run on; the caller owns (migrates and closes) it. Runs that
   * share one need distinct `stageName`s and actor names. Default: a new MemoryStore.
   */
  readonly store?: Store;
  readonly commitEvery?: number;
  /** Small values passivate keys mid-stream. */
  readonly maxActiveKeys?: number;
  /** Gives up after this long without finishing. Default 20 000 ms. */
  readonly timeoutMs?: number;
  /** Unique stage name, for runs that share a store. Default 'scenario'. */
  readonly stageName?: string;
}

export interface ScenarioOutput {
  readonly msgId: string;
  readonly key: string;
  readonly payload: Json;
}

export interface ScenarioOutcome {
  /** Per key, canonical JSON of the state recovered as the runtime would (snapshot + journal tail). */
  readonly states: Readonly<Record<string, string>>;
  /** Per key, canonical JSON of the state replayed from the whole journal. */
  readonly replayed: Readonly<Record<string, string>>;
  /** Every output record in the output log, sorted by msg id. */
  readonly outputs: readonly ScenarioOutput[];
  readonly deadLetters: readonly ScenarioOutput[];
  readonly snapshotMismatches: readonly SnapshotMismatch[];
  /** Instances started: more than one after a restart or kill. */
  readonly instances: number;
  /** Crashes injected into commits, outbox deletes and publishes. */
  readonly crashes: number;
  /** Extra deliveries injected. */
  readonly duplicates: number;
}

/**
 * Runs an actor as a stage over the given inputs on the embedded log, injects
 * the faults, waits until every input is committed and every output published,
 * and reports the final states and outputs. Compare a faulty run's outcome with
 * a fault-free one: exactly-once means they are equal.
 *
 * @example
 * const clean = await runScenario({ actor, inputs });
 * const faulty = await runScenario({ actor, inputs, faults: [{ kind: 'kill', commit: 2 }] });
 * expect(faulty.states).toEqual(clean.states);
 * expect(faulty.outputs).toEqual(clean.outputs);
 */
export async function runScenario<S extends Json, I, E extends ActorEvent, O extends Json>(
  options: ScenarioOptions<S, I, E, O>,
): Promise<ScenarioOutcome> {
  const faults = options.faults ?? [];
  const partitions = options.partitions ?? 2;
  const name = options.stageName ?? 'scenario';
  const input = `${name}.in`;
  const output = `${name}.out`;
  const log = new MemoryLog();
  const inner = options.store ?? new MemoryStore();
  let instances = 0;
  let stage: Stage<S, I, E, O> | undefined;
  let pendingSwitch: Promise<void> = Promise.resolve();
  let lastError: unknown;

  const store = new FaultyStore(inner, faults, (commit) => {
    const fault = faults.find((f) => (f.kind === 'restart' || f.kind === 'kill') && f.commit === commit);
    if (!fault) return;
    // Off the commit's own stack: a drain waits for commits.
    pendingSwitch = pendingSwitch.then(() => switchInstance(fault.kind === 'restart'));
  });
  const faultyLog = new FaultyLog(log, faults);

  const newStage = (): Stage<S, I, E, O> => {
    instances++;
    return new Stage({
      name,
      log: faultyLog,
      store,
      input,
      output,
      actor: options.actor,
      commitEvery: options.commitEvery ?? 5,
      commitIntervalMs: 2,
      restartDelayMs: 1,
      clock: () => 1_700_000_000_000,
      ...(options.maxActiveKeys !== undefined ? { maxActiveKeys: options.maxActiveKeys } : {}),
    });
  };

  const switchInstance = async (graceful: boolean): Promise<void> => {
    const old = stage;
    if (!old) return;
    if (graceful) await old.stop();
    else old.kill();
    if (stage !== old) return;
    stage = newStage();
    await stage.start().catch((error: unknown) => {
      lastError = error;
    });
  };

  await log.ensureTopic({ subject: input, partitions });
  const lastSeq = new Map<number, number>();
  for (const [i, rec] of options.inputs.entries()) {
    const ack = await log.append(input, {
      key: rec.key,
      payload: encoder.encode(JSON.stringify(rec.payload)),
      msgId: `in-${i}`,
      eventTime: rec.eventTime ?? 1_700_000_000_000 + i,
    });
    lastSeq.set(ack.partition, Math.max(lastSeq.get(ack.partition) ?? 0, ack.seq));
  }

  stage = newStage();
  await stage.start();
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const timedOut = (what: string): Error => {
    stage?.kill();
    return new Error(
      `scenario did not finish in time: ${what} (watermarks ${JSON.stringify([...(stage?.watermarks() ?? [])])}, targets ${JSON.stringify([...lastSeq])}, faults ${JSON.stringify(faults)}, last error ${String(lastError)})`,
    );
  };
  for (;;) {
    if (!(await beforeDeadline(pendingSwitch, deadline))) throw timedOut('an instance switch hangs');
    if (await finished(stage, store, name, partitions, lastSeq)) break;
    if (Date.now() > deadline) throw timedOut('inputs or outputs are left');
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!(await beforeDeadline(stage.stop(), deadline))) throw timedOut('the final drain hangs');

  const outcome = {
    ...(await collect(options.actor, log, inner, name, output, stage.deadLetterSubject)),
    instances,
    crashes: store.crashes + faultyLog.lostPublishes,
    duplicates: faultyLog.duplicates,
  };
  await log.close();
  if (!options.store) await inner.close();
  return outcome;
}

async function finished(
  stage: { watermarks(): ReadonlyMap<number, number> },
  store: Store,
  name: string,
  partitions: number,
  lastSeq: ReadonlyMap<number, number>,
): Promise<boolean> {
  const marks = stage.watermarks();
  for (const [p, seq] of lastSeq) if ((marks.get(p) ?? 0) < seq) return false;
  for (let p = 0; p < partitions; p++) if ((await store.outbox(name, p)).length > 0) return false;
  return true;
}

async function collect<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  log: MemoryLog,
  store: Store,
  stageName: string,
  output: string,
  deadLetter: string,
): Promise<Omit<ScenarioOutcome, 'instances' | 'crashes' | 'duplicates'>> {
  const upcast = makeUpcaster(def.upcasters, def.eventVersions);
  const states: Record<string, string> = {};
  const replayed: Record<string, string> = {};
  const snapshotMismatches: SnapshotMismatch[] = [];
  for (const key of await store.keys(def.name)) {
    const replay = await replayKey(def, store, key);
    replayed[key] = canonical(replay.state);
    snapshotMismatches.push(...replay.mismatches);
    const slot: ActorSlot = { state: def.initial(key), version: 0, snapshotVersion: 0, steps: new Map() };
    // Recovery only matters for partition 0's progress here; the state does not depend on it.
    const record = await store.load(def.name, key, stageName, 0);
    recoverActor(slot, def as unknown as AnyActor, key, record, upcast, () => false);
    states[key] = canonical(slot.state);
  }
  return {
    states,
    replayed,
    outputs: await readAll(log, output),
    deadLetters: await readAll(log, deadLetter),
    snapshotMismatches,
  };
}

async function readAll(log: MemoryLog, subject: string): Promise<ScenarioOutput[]> {
  const out: ScenarioOutput[] = [];
  const partitions = await log.partitions(subject);
  for (let p = 0; p < partitions; p++) {
    for await (const env of log.read(subject, p, 1)) {
      out.push({ msgId: env.id, key: env.key, payload: JSON.parse(decoder.decode(env.payload)) as Json });
    }
  }
  return out.sort((a, b) => (a.msgId < b.msgId ? -1 : a.msgId > b.msgId ? 1 : 0));
}

/** Resolves true when `work` settles before the deadline, false when the deadline comes first. */
async function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
