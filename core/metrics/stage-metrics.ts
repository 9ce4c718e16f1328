import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { perRegistry } from './per-registry.ts';

const LABELS = ['stage', 'partition'] as const;

/**
 * The Prometheus metrics of eddy stages, registered once per registry and
 * shared by every stage on it (a `stage` label tells them apart).
 *
 * @example
 * const registry = new Registry();
 * const stage = new Stage({ ...options, metrics: registry });
 * http.createServer(async (_req, res) => res.end(await registry.metrics())).listen(9464);
 */
export class StageMetrics {
  /** Inputs at or below the committed watermark: processed, skipped or dead-lettered. */
  readonly inputs: Counter<'stage' | 'partition'>;
  readonly watermark: Gauge<'stage' | 'partition'>;
  /** The partition's committed event clock, in seconds since the epoch: how far its windows can close. */
  readonly eventTimeWatermark: Gauge<'stage' | 'partition'>;
  readonly commits: Counter<'stage' | 'partition' | 'outcome'>;
  readonly commitSeconds: Histogram<'stage'>;
  readonly journalEvents: Counter<'stage'>;
  readonly snapshots: Counter<'stage'>;
  readonly outputs: Counter<'stage' | 'subject'>;
  readonly partitions: Gauge<'stage'>;
  readonly ownership: Counter<'stage' | 'change'>;
  readonly deadLetters: Counter<'stage' | 'phase'>;
  readonly snapshotsSkipped: Counter<'stage'>;
  readonly restarts: Counter<'stage' | 'partition'>;
  readonly restartDelay: Gauge<'stage' | 'partition'>;
  readonly activeKeys: Gauge<'stage' | 'partition'>;
  readonly passivations: Counter<'stage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.inputs = new Counter({
      name: 'eddy_stage_inputs_total',
      help: 'Inputs committed (processed, skipped as duplicates, or dead-lettered), from watermark progress.',
      labelNames: LABELS,
      registers,
    });
    this.watermark = new Gauge({
      name: 'eddy_stage_watermark',
      help: 'Committed watermark: every input at or below this log sequence is done.',
      labelNames: LABELS,
      registers,
    });
    this.eventTimeWatermark = new Gauge({
      name: 'eddy_stage_event_time_watermark_seconds',
      help: 'Committed event clock of the partition (seconds since the epoch); after a keyBy, the minimum over the partitions before it.',
      labelNames: LABELS,
      registers,
    });
    this.commits = new Counter({
      name: 'eddy_stage_commits_total',
      help: 'Store commits by outcome (ok, fenced, failed).',
      labelNames: ['stage', 'partition', 'outcome'],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'eddy_stage_commit_seconds',
      help: 'Duration of one store commit (journal, snapshots, outbox, progress, timers, watermark).',
      labelNames: ['stage'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.journalEvents = new Counter({
      name: 'eddy_stage_journal_events_total',
      help: 'Journal events committed.',
      labelNames: ['stage'],
      registers,
    });
    this.snapshots = new Counter({
      name: 'eddy_stage_snapshots_total',
      help: 'Snapshots committed.',
      labelNames: ['stage'],
      registers,
    });
    this.outputs = new Counter({
      name: 'eddy_stage_outputs_published_total',
      help: 'Outbox rows published and acknowledged by the log, by subject (dead letters included).',
      labelNames: ['stage', 'subject'],
      registers,
    });
    this.activeKeys = new Gauge({
      name: 'eddy_stage_active_keys',
      help: 'Keys in memory in the partition (at most maxActiveKeys; idle ones beyond it are passivated).',
      labelNames: LABELS,
      registers,
    });
    this.passivations = new Counter({
      name: 'eddy_stage_passivations_total',
      help: 'Keys let go of to stay under maxActiveKeys (loaded again from the store on their next input).',
      labelNames: ['stage'],
      registers,
    });
    this.partitions = new Gauge({
      name: 'eddy_stage_partitions',
      help: 'Partitions this instance runs now.',
      labelNames: ['stage'],
      registers,
    });
    this.ownership = new Counter({
      name: 'eddy_stage_partition_changes_total',
      help: 'Partition ownership changes of this instance (started, handed_over, lost, fenced, restarted).',
      labelNames: ['stage', 'change'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'eddy_stage_dead_letters_total',
      help: 'Dead letters published, by the phase the record failed in (decode, key, decide, evolve, onTimer, store, output, publish).',
      labelNames: ['stage', 'phase'],
      registers,
    });
    this.snapshotsSkipped = new Counter({
      name: 'eddy_stage_snapshots_skipped_total',
      help: 'Due snapshots skipped because no store keeps the state (recovery replays the journal instead).',
      labelNames: ['stage'],
      registers,
    });
    this.restarts = new Counter({
      name: 'eddy_stage_partition_restarts_total',
      help: 'Restarts of a partition after an infrastructure failure (connection, server, commit).',
      labelNames: LABELS,
      registers,
    });
    this.restartDelay = new Gauge({
      name: 'eddy_stage_partition_restart_delay_seconds',
      help: 'Backoff before the next restart of a failing partition; 0 once it commits again.',
      labelNames: LABELS,
      registers,
    });
  }

  /** The metrics of `registry`, created on first use. */
  /** The metrics registered on `registry`, made the first time. */
  static readonly of = perRegistry((registry) => new StageMetrics(registry));
}
