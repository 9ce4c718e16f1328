import type { ReactEvent } from '../../../agents/react/react-events.ts';
import {
  type ReactInput,
  type ReactOutput,
  type ReactRequest,
  reactInputSchema,
} from '../../../agents/react/react-io.ts';
import type { ReactState } from '../../../agents/react/react-state.ts';
import type { ActorDefinition } from '../../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { Stage } from '../../../core/stage/stage.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import type { Json } from '../../../core/store/store.ts';
import { crash } from '../../../core/testing/crash.ts';
import { waitUntil } from '../../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Agent = ActorDefinition<ReactState, ReactInput, ReactEvent, ReactOutput>;

/** An agent in a Stage on the memory log and store, restartable like a process. */
export class AgentHarness {
  readonly log = new MemoryLog();
  readonly store = new MemoryStore();
  now = 1_000_000;
  #stage: Stage<ReactState, ReactInput, ReactEvent, ReactOutput> | undefined;
  #sent = 0;
  #lastSeq = 0;
  readonly #agent: Agent;

  constructor(agent: Agent) {
    this.#agent = agent;
  }

  async start(): Promise<void> {
    if (this.#sent === 0 && !this.#stage) {
      await this.store.migrate();
      await this.log.ensureTopic({ subject: 'agent.in', partitions: 1 });
    }
    this.#stage = new Stage({
      name: 'agent',
      log: this.log,
      store: this.store,
      input: 'agent.in',
      output: 'agent.out',
      actor: this.#agent,
      schema: reactInputSchema,
      partitions: [0],
      commitIntervalMs: 1,
      restartDelayMs: 1,
      timerTickMs: 5,
      clock: () => this.now,
    });
    await this.#stage.start();
  }

  /** Dies without committing, as SIGKILL would. */
  kill(): void {
    if (this.#stage) crash(this.#stage);
    this.#stage = undefined;
  }

  async stop(): Promise<void> {
    await this.#stage?.stop();
    this.#stage = undefined;
  }

  /** Resolves once the stage has committed everything sent so far. */
  async settled(): Promise<void> {
    const last = this.#lastSeq;
    const failure = await waitUntil(async () => (this.#stage?.watermarks().get(0) ?? 0) >= last, {
      timeoutMs: 10_000,
      intervalMs: 2,
    });
    if (failure !== undefined) throw new Error(`waiting for input ${last}: ${failure}`);
  }

  async send(key: string, input: ReactRequest): Promise<void> {
    this.#sent++;
    const ack = await this.log.append('agent.in', {
      key,
      payload: encoder.encode(JSON.stringify(input)),
      msgId: `in-${this.#sent}`,
    });
    this.#lastSeq = ack.seq;
  }

  async outputs(): Promise<(ReactOutput & { key: string })[]> {
    const out: (ReactOutput & { key: string })[] = [];
    for (let p = 0; p < (await this.log.partitions('agent.out')); p++) {
      for await (const env of this.log.read('agent.out', p, 1)) {
        out.push({ ...(JSON.parse(decoder.decode(env.payload)) as ReactOutput), key: env.key });
      }
    }
    return out;
  }

  async until(what: string, probe: (outputs: (ReactOutput & { key: string })[]) => boolean): Promise<void> {
    const failure = await waitUntil(async () => probe(await this.outputs()), {
      timeoutMs: 10_000,
      intervalMs: 5,
    });
    if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
  }

  async journal(key: string): Promise<Json[]> {
    return (await this.store.journal(this.#agent.name, key)).map((e) => ({ type: e.type, data: e.data }));
  }
}
