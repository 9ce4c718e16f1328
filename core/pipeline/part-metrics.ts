import type { Registry } from 'prom-client';
import { CONTROL_ROW_HEADER } from '../exactly-once/watermark-control.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import type { PartitionEvent } from '../operators/partition-event.ts';

/** An ownership change of a partition, as `eddy_stage_partition_changes_total` counts it. */
export type PartitionChange = 'started' | 'handed_over' | 'lost' | 'fenced' | 'restarted' | 'stopped';

/**
 * What one part of a pipeline tells its Prometheus metrics (`eddy_stage_*`),
 * labelled with the part's name; without a registry every call does nothing.
 */
export class PartMetrics {
  readonly #m: StageMetrics | undefined;
  readonly #stage: string;
  readonly #deadLetter: string;
  /** Passivations per partition as last reported. */
  readonly #passivated = new Map<number, number>();

  constructor(registry: Registry | undefined, stage: string, deadLetter: string) {
    this.#m = registry ? StageMetrics.of(registry) : undefined;
    this.#stage = stage;
    this.#deadLetter = deadLetter;
  }

  /** The registered metrics, for the store's own (`meteredStore`); undefined without a registry. */
  get registered(): StageMetrics | undefined {
    return this.#m;
  }

  /** Counts what a partition published (dead letters by phase too). */
  event(event: PartitionEvent): void {
    if (!this.#m || event.kind !== 'published') return;
    const { row } = event;
    // Watermark control records are the pipeline's own bookkeeping, not outputs.
    if (row.headers[CONTROL_ROW_HEADER] !== undefined) return;
    this.#m.outputs.inc({ stage: this.#stage, subject: row.subject });
    if (row.subject === this.#deadLetter) {
      this.#m.deadLetters.inc({ stage: this.#stage, phase: (row.payload as { phase: string }).phase });
    }
  }

  /** The partition committed up to `watermark` (from `before`); `recovered`: it had failed since its last commit. */
  committed(
    partition: number,
    before: number,
    watermark: number,
    recovered: boolean,
    eventTime: number,
  ): void {
    if (!this.#m) return;
    const labels = { stage: this.#stage, partition: String(partition) };
    if (recovered) this.#m.restartDelay.set(labels, 0);
    if (watermark > before) this.#m.inputs.inc(labels, watermark - before);
    this.#m.watermark.set(labels, watermark);
    // 0 until the partition's clock first moves: no gauge of the epoch.
    if (eventTime > 0) this.#m.eventTimeWatermark.set(labels, eventTime / 1000);
  }

  /** Keys in memory, and passivations since the partition started here (counted as they grow). */
  keys(partition: number, keys: { readonly active: number; readonly passivated: number }): void {
    if (!this.#m) return;
    this.#m.activeKeys.set({ stage: this.#stage, partition: String(partition) }, keys.active);
    const before = this.#passivated.get(partition) ?? 0;
    // A partition started again counts from 0: only growth is new.
    if (keys.passivated > before) this.#m.passivations.inc({ stage: this.#stage }, keys.passivated - before);
    this.#passivated.set(partition, keys.passivated);
  }

  changed(change: PartitionChange, running: number): void {
    this.#m?.ownership.inc({ stage: this.#stage, change });
    this.#m?.partitions.set({ stage: this.#stage }, running);
  }

  restarting(partition: number, delayMs: number): void {
    const labels = { stage: this.#stage, partition: String(partition) };
    this.#m?.restarts.inc(labels);
    this.#m?.restartDelay.set(labels, delayMs / 1000);
  }

  snapshotSkipped(): void {
    this.#m?.snapshotsSkipped.inc({ stage: this.#stage });
  }
}
