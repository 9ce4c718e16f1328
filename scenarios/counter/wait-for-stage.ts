import type { Log } from 'eddy';

/**
 * Waits until `expected` records are in `subject` and the stage has committed
 * all of them, reporting how many are done. The demo's embedded log numbers
 * each partition from 1, so a watermark is also a count.
 */
export async function waitForStage(
  log: Log,
  stage: { watermarks(): ReadonlyMap<number, number> },
  subject: string,
  expected: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const partitions = await log.partitions(subject);
  const last = new Array<number>(partitions).fill(0);
  for (;;) {
    for (let p = 0; p < partitions; p++) {
      for await (const env of log.read(subject, p, (last[p] ?? 0) + 1)) last[p] = env.seq;
    }
    const marks = stage.watermarks();
    let done = 0;
    for (let p = 0; p < partitions; p++) done += Math.min(marks.get(p) ?? 0, last[p] ?? 0);
    onProgress(done);
    const stored = last.reduce((a, b) => a + b, 0);
    if (stored >= expected && done >= stored) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
