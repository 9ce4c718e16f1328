import {
  type ActorDefinition,
  type ActorEvent,
  actor,
  canonical,
  type Flow,
  from,
  type Json,
  MemoryLog,
  MemoryStore,
  type Pipeline,
  pipeline,
  replayKey,
  type SnapshotMismatch,
  type Store,
  to,
} from '../index.ts';
import { type ActorSlot, type AnyActor, makeUpcaster, recoverActor } from '../internal.ts';
import { crash } from './crash.ts';
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

/** What runs: one actor (read from the input, its outputs to `<name>.out`), or a whole pipeline. */
/** Any actor definition, whatever its types: what a scenario needs to read its states back. */
export interface SomeActor {
  readonly name: string;
  readonly initial: (key: string) => Json;
  readonly decide: (...args: never[]) => unknown;
  readonly evolve: (...args: never[]) => unknown;
}

export type ScenarioSubject<S extends Json, I, E extends ActorEvent, O extends Json> =
  | { readonly actor: ActorDefinition<S, I, E, O> }
  | {
      /** The chain over the scenario's input subject. */
      readonly flow: (input: string) => Flow<unknown>;
      /** The actors whose states the outcome reports (those the flow uses). */
      readonly actors: readonly SomeActor[];
    };

export type ScenarioOptions<S extends Json, I, E extends ActorEvent, O extends Json> = ScenarioSubject<
  S,
  I,
  E,
  O
> & {
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
};

export interface ScenarioOutput {
  readonly subject: string;
  readonly msgId: string;
  readonly key: string;
  readonly payload: Json;
}

export interface ScenarioOutcome {
  /** Per key (`<actor>/<key>` for a pipeline), canonical JSON of the state recovered as the runtime would. */
  readonly states: Readonly<Record<string, string>>;
  /** The same, replayed from the whole journal. */
  readonly replayed: Readonly<Record<string, string>>;
  /** Every output record of every output subject, sorted by msg id. */
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
 * Runs an actor (or a pipeline) over the given inputs on the embedded log,
 * injects the faults, waits until every input is committed and every output
 * published, and reports the final states and outputs. Compare a faulty run's
 * outcome with a fault-free one: exactly-once means they are equal.
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
  const name = options.stageName ?? 'scenario';
  const input = `${name}.in`;
  const flow =
    'actor' in options ? from(input).pipe(actor(options.actor), to(`${name}.out`)) : options.flow(input);
  const actors = ('actor' in options ? [options.actor] : options.actors) as unknown as readonly AnyActor[];
  const log = new MemoryLog();
  const inner = options.store ?? new MemoryStore();
  let instances = 0;
  let running: Pipeline<unknown> | undefined;
  let pendingSwitch: Promise<void> = Promise.resolve();
  let lastError: unknown;

  const store = new FaultyStore(inner, faults, (commit) => {
    const fault = faults.find((f) => (f.kind === 'restart' || f.kind === 'kill') && f.commit === commit);
    if (!fault) return;
    // Off the commit's own stack: a drain waits for commits.
    pendingSwitch = pendingSwitch.then(() => switchInstance(fault.kind === 'restart'));
  });
  const faultyLog = new FaultyLog(log, faults);

  const newInstance = (): Pipeline<unknown> => {
    instances++;
    return pipeline(
      {
        name,
        log: faultyLog,
        store,
        commitEvery: options.commitEvery ?? 5,
        commitIntervalMs: 2,
        restartDelayMs: 1,
        clock: () => 1_700_000_000_000,
        // Every commit tells the next part its clock, and nothing is said on the wall clock:
        // a run closes the same windows however fast it went.
        watermarkIntervalMs: 0,
        idleTimeoutMs: false,
        ...(options.maxActiveKeys !== undefined ? { maxActiveKeys: options.maxActiveKeys } : {}),
      },
      flow,
    );
  };

  const switchInstance = async (graceful: boolean): Promise<void> => {
    const old = running;
    if (!old) return;
    if (graceful) await old.stop();
    else crash(old);
    if (running !== old) return;
    running = newInstance();
    await running.start().catch((error: unknown) => {
      lastError = error;
    });
  };

  await log.ensureTopic({ subject: input, partitions: options.partitions ?? 2 });
  for (const [i, rec] of options.inputs.entries()) {
    await log.append(input, {
      key: rec.key,
      payload: encoder.encode(JSON.stringify(rec.payload)),
      msgId: `in-${i}`,
      eventTime: rec.eventTime ?? 1_700_000_000_000 + i,
    });
  }

  running = newInstance();
  const { inputs: partInputs, outputs } = running.subjects;
  await running.start();
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const timedOut = (what: string): Error => {
    if (running) crash(running);
    return new Error(
      `scenario did not finish in time: ${what} (watermarks ${JSON.stringify([...(running?.watermarks() ?? [])])}, faults ${JSON.stringify(faults)}, last error ${String(lastError)})`,
    );
  };
  for (;;) {
    if (!(await beforeDeadline(pendingSwitch, deadline))) throw timedOut('an instance switch hangs');
    if (await finished(running, log, inner, name, partInputs)) break;
    if (Date.now() > deadline) throw timedOut('inputs or outputs are left');
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!(await beforeDeadline(running.stop(), deadline))) throw timedOut('the final drain hangs');

  const sinks = outputs.filter((s) => !partInputs.includes(s));
  const outcome = {
    ...(await collect(actors, log, inner, name, sinks, `${name}.dead-letter`)),
    instances,
    crashes: store.crashes + faultyLog.lostPublishes,
    duplicates: faultyLog.duplicates,
  };
  await log.close();
  if (!options.store) await inner.close();
  return outcome;
}

/** Every part read its input to the end, and no outbox holds a row: in order, since a part feeds the next. */
async function finished(
  running: Pipeline<unknown>,
  log: MemoryLog,
  store: Store,
  name: string,
  inputs: readonly string[],
): Promise<boolean> {
  for (const [part, subject] of inputs.entries()) {
    const partName = part === 0 ? name : `${name}.${part}`;
    const marks = running.watermarks(part);
    const partitions = await log.partitions(subject);
    for (let p = 0; p < partitions; p++) {
      let last = 0;
      for await (const env of log.read(subject, p, 1)) last = env.seq;
      if ((marks.get(p) ?? 0) < last) return false;
      if ((await store.outbox(partName, p)).length > 0) return false;
    }
  }
  return true;
}

async function collect(
  actors: readonly AnyActor[],
  log: MemoryLog,
  store: Store,
  stageName: string,
  outputs: readonly string[],
  deadLetter: string,
): Promise<Omit<ScenarioOutcome, 'instances' | 'crashes' | 'duplicates'>> {
  const states: Record<string, string> = {};
  const replayed: Record<string, string> = {};
  const snapshotMismatches: SnapshotMismatch[] = [];
  for (const def of actors) {
    const upcast = makeUpcaster(def.upcasters, def.eventVersions);
    for (const key of await store.keys(def.name)) {
      const id = actors.length === 1 ? key : `${def.name}/${key}`;
      const replay = await replayKey(def, store, key);
      replayed[id] = canonical(replay.state);
      snapshotMismatches.push(...replay.mismatches);
      const slot: ActorSlot = { state: def.initial(key), version: 0, snapshotVersion: 0, steps: new Map() };
      // Recovery only matters for partition 0's progress here; the state does not depend on it.
      recoverActor(slot, def, key, await store.load(def.name, key, stageName, 0), upcast, () => false);
      states[id] = canonical(slot.state);
    }
  }
  const all: ScenarioOutput[] = [];
  for (const subject of outputs) all.push(...(await readAll(log, subject)));
  return {
    states,
    replayed,
    outputs: all.sort(byMsgId),
    deadLetters: await readAll(log, deadLetter),
    snapshotMismatches,
  };
}

async function readAll(log: MemoryLog, subject: string): Promise<ScenarioOutput[]> {
  const out: ScenarioOutput[] = [];
  const partitions = await log.partitions(subject).catch(() => 0);
  for (let p = 0; p < partitions; p++) {
    for await (const env of log.read(subject, p, 1)) {
      // Watermark control records are the pipeline's bookkeeping: how many there are depends on batching.
      if (env.control !== undefined) continue;
      out.push({
        subject,
        msgId: env.id,
        key: env.key,
        payload: JSON.parse(decoder.decode(env.payload)) as Json,
      });
    }
  }
  return out.sort(byMsgId);
}

function byMsgId(a: ScenarioOutput, b: ScenarioOutput): number {
  return a.msgId < b.msgId ? -1 : a.msgId > b.msgId ? 1 : 0;
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
