import { TopicNotFoundError } from '../errors/topic-not-found-error.ts';
import type { Log } from '../log/log.ts';
import type { Json } from '../store/store.ts';
import type { ReplayOutput } from './replay-report.ts';

/** What the record says one input led to: its outputs in order, or its dead letter's reason. */
export interface RecordedOutcome {
  readonly outputs: readonly ReplayOutput[];
  readonly deadLetter: string | null;
}

const NOTHING: RecordedOutcome = { outputs: [], deadLetter: null };
const decoder = new TextDecoder();

/**
 * The outputs and dead letters a stage published, found again on its output
 * subjects by their msg ids (`<stage>:<partition>:<input seq>:<index>`, and
 * `…:dead` for a dead letter: the same on every run of an input, see
 * `msgIdBase`), read once. The outbox rows are gone once published; the log
 * keeps what it retains, so an output past the log's retention counts as
 * missing.
 *
 * @example
 * const recorded = await RecordedOutcomes.read(log, 'totals', ['totals.out'], 'totals.dead-letter');
 * recorded.of(3, 17); // { outputs: [{ subject: 'totals.out', key: 'alice', payload: { total: 9 } }], deadLetter: null }
 */
export class RecordedOutcomes {
  readonly #byInput: ReadonlyMap<string, RecordedOutcome>;

  private constructor(byInput: ReadonlyMap<string, RecordedOutcome>) {
    this.#byInput = byInput;
  }

  static async read(
    log: Log,
    stage: string,
    subjects: readonly string[],
    deadLetter: string,
  ): Promise<RecordedOutcomes> {
    const id = new RegExp(`^${escaped(stage)}:(\\d+):(\\d+):(\\d+|dead)$`);
    const outputs = new Map<string, { index: number; output: ReplayOutput }[]>();
    const dead = new Map<string, string>();
    for (const subject of [...new Set([...subjects, deadLetter])]) {
      const partitions = await partitionsOf(log, subject);
      for (let p = 0; p < partitions; p++) {
        for await (const env of log.read(subject, p, 1)) {
          const match = env.control === undefined ? id.exec(env.id) : null;
          if (!match) continue;
          const input = `${match[1]}:${match[2]}`;
          const payload = JSON.parse(decoder.decode(env.payload)) as Json;
          if (match[3] === 'dead') {
            if (subject === deadLetter) dead.set(input, reasonOf(payload));
            continue;
          }
          const list = outputs.get(input) ?? [];
          list.push({ index: Number(match[3]), output: { subject, key: env.key, payload } });
          outputs.set(input, list);
        }
      }
    }
    const byInput = new Map<string, RecordedOutcome>();
    for (const [input, list] of outputs)
      byInput.set(input, {
        outputs: list.sort((a, b) => a.index - b.index).map((o) => o.output),
        deadLetter: null,
      });
    for (const [input, reason] of dead)
      byInput.set(input, { outputs: byInput.get(input)?.outputs ?? [], deadLetter: reason });
    return new RecordedOutcomes(byInput);
  }

  /** An outcome that says nothing was recorded: for replays that do not compare outputs. */
  static none(): RecordedOutcomes {
    return new RecordedOutcomes(new Map());
  }

  of(partition: number, seq: number): RecordedOutcome {
    return this.#byInput.get(`${partition}:${seq}`) ?? NOTHING;
  }

  /** The highest input seq of the partition with a recorded outcome: it was processed. */
  highest(partition: number): number {
    let max = 0;
    const prefix = `${partition}:`;
    for (const input of this.#byInput.keys())
      if (input.startsWith(prefix)) max = Math.max(max, Number(input.slice(prefix.length)));
    return max;
  }
}

/** A subject nothing was ever published to has no topic: 0 partitions. */
async function partitionsOf(log: Log, subject: string): Promise<number> {
  try {
    return await log.partitions(subject);
  } catch (error) {
    if (error instanceof TopicNotFoundError) return 0;
    throw error;
  }
}

function reasonOf(payload: Json): string {
  const reason =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as { readonly [k: string]: Json }).reason
      : null;
  return typeof reason === 'string' ? reason : 'dead-lettered';
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
