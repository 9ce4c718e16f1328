import cliProgress from 'cli-progress';
import type { Progress } from '../scenarios/shared/scenario-pack.ts';

/** Progress bars on stderr (one per counter, made on first use); nothing when off or not a terminal. */
export function progressBars(stream: NodeJS.WritableStream & { isTTY?: boolean }, on: boolean) {
  if (!on || stream.isTTY !== true) return { progress: { set: () => {} } satisfies Progress, stop: () => {} };
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {name} {bar} {value}/{total}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const width = 16;
  const progress: Progress = {
    set(name, value, total) {
      let bar = bars.get(name);
      if (!bar) {
        bar = multi.create(total, 0, { name: name.padEnd(width) });
        bars.set(name, bar);
      }
      bar.setTotal(total);
      bar.update(value);
    },
  };
  return { progress, stop: () => multi.stop() };
}
