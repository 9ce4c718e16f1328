import type { AnnouncerOptions } from '../exactly-once/announcer.ts';
import type { PartitionClaim } from '../store/store.ts';
import type { Program } from './program.ts';
import type { RuntimeOptions } from './runtime-options.ts';

/**
 * How a partition announces its event clock downstream, or undefined when
 * its program feeds no subject that wants it (no keyBy hop, no sink with
 * `watermarks: true`).
 */
export function announceOptions(
  program: Program,
  options: RuntimeOptions,
  claim: PartitionClaim,
): AnnouncerOptions | undefined {
  const subjects = program.announceTo ?? [];
  if (subjects.length === 0) return undefined;
  return {
    target: {
      stage: options.stage,
      partition: claim.partition,
      partitions: options.inputPartitions ?? 1,
      subjects,
      partitionsOf: options.outputPartitions ?? (() => undefined),
    },
    intervalMs: options.watermarkIntervalMs ?? 200,
    from: claim.eventTimeWatermark,
  };
}
