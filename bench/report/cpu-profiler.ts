// Runs a piece of a bench under the V8 CPU profiler (this process, through the inspector), so a
// bench can say where its time went without a second run.
import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './profile-areas.ts';

/** A sample every this many µs: fine enough for per-function figures, cheap enough to leave the case's shape. */
const SAMPLING_US = 200;

/**
 * `work`'s result and the CPU profile of the process while it ran; with `heap`, also the
 * sampled allocations (collected ones included: what feeds the GC).
 */
export async function profiled<T>(
  work: () => Promise<T>,
  options: { readonly heap?: boolean } = {},
): Promise<{ readonly result: T; readonly profile: CpuProfile; readonly heap?: object }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    await session.post('Profiler.start');
    if (options.heap) {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 32_768,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    const heap = options.heap ? (await session.post('HeapProfiler.stopSampling')).profile : undefined;
    return { result, profile: profile as unknown as CpuProfile, ...(heap ? { heap } : {}) };
  } finally {
    session.disconnect();
  }
}
