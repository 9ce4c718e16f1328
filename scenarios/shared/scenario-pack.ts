import type { Log, Logger, Store } from 'eddy';
import type { ChatModel, ChatRequest } from 'eddy/agents';
import type { LookupDatabase } from 'eddy/connectors';
import type { Embedder, LongTermMemory } from 'eddy/memory';

/** Where a pack runs: the embedded default (in-process log, PGlite) or NATS + PostgreSQL. */
export interface PackRuntime {
  readonly kind: 'embedded' | 'servers';
  readonly log: Log;
  readonly store: Store;
  /** The store's database, for the pack's own tables. */
  readonly db: LookupDatabase;
  /** Long-term memory in the same database (pgvector, or PGlite's vector extension). */
  readonly memory: LongTermMemory;
}

/** Named counters a pack moves as it goes: the CLI draws them as progress bars. */
export interface Progress {
  set(name: string, value: number, total: number): void;
}

/** What the `eddy scenario` command hands a pack. */
export interface PackContext {
  readonly runtime: PackRuntime;
  readonly model: ChatModel;
  readonly embedder: Embedder;
  readonly events: number;
  readonly rate: number | undefined;
  readonly seed: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly progress: Progress;
  readonly logger: Logger;
  /** One line on stderr (never on stdout, which `--json` keeps for the result). */
  readonly say: (line: string) => void;
  readonly signal: AbortSignal;
  /** `--dashboard`: packs that have one serve it on this port (0: any free one). */
  readonly dashboard: { readonly port: number } | undefined;
  /** `--approve`: who decides approval requests (`auto`: the pack's scripted operator; `external`: people). */
  readonly approve: 'auto' | 'external';
}

/** A scenario pack as `eddy scenario <name>` runs it. */
export interface ScenarioPack<Summary> {
  readonly name: string;
  readonly title: string;
  readonly defaultEvents: number;
  /** The seed a run uses unless told (the pipeline of that seed is the pack's plain name: `voc`, `ops`). */
  readonly defaultSeed: number;
  /** It keeps long-term memory: the CLI says so when the embedder is the offline one. */
  readonly usesMemory?: boolean;
  /** The pack's canned answers for the offline model (its rules of thumb). */
  readonly offlineAnswer?: (request: ChatRequest) => string | undefined;
  run(ctx: PackContext): Promise<Summary>;
  /** The summary for people: tables, as text. */
  render(summary: Summary): string;
}
