// bench:jetstream's "where the CPU goes": case (a) and the ceiling (b, one ackAck per batch) once
// more over the same inputs, each under the CPU profiler, and their Node CPU per event side by
// side by area (see report/profile-areas.ts). The profiler adds its own cost to both alike.
import { ceiling } from './jetstream-ceiling.ts';
import { type EddyRun, eddyThroughput } from './jetstream-eddy.ts';
import { profiled } from './report/cpu-profiler.ts';
import { cpuByArea } from './report/profile-areas.ts';

type Print = (line: { readonly case: string } & Record<string, unknown>) => void;

export async function whereTheCpuGoes(
  run: EddyRun,
  last: ReadonlyMap<number, number>,
  expected: ReadonlyMap<number, number>,
  events: number,
  print: Print,
): Promise<void> {
  const eddy = await profiled(() => eddyThroughput({ ...run, name: `${run.name}pa` }, last, events));
  const hand = await profiled(() =>
    ceiling(
      { ...run, name: `${run.name}pb`, expected },
      { ack: 'batch', batch: 500, maxAckPending: 4_000, publishDepth: 2 },
    ),
  );
  const a = cpuByArea(eddy.profile, events);
  const b = cpuByArea(hand.profile, events);
  const us = (x: number | undefined) => Number((x ?? 0).toFixed(1));
  for (const area of new Set([...a.areas.keys(), ...b.areas.keys()])) {
    print({
      case: `where the CPU goes: ${area}`,
      eddyUsPerEvent: us(a.areas.get(area)),
      handUsPerEvent: us(b.areas.get(area)),
    });
  }
  print({
    case: 'where the CPU goes: all of the Node process (profiled)',
    eddyUsPerEvent: us(a.total),
    handUsPerEvent: us(b.total),
    eddyEventsPerSec: eddy.result.eventsPerSec,
    handEventsPerSec: hand.result.eventsPerSec,
  });
}
