import { describe, expect, it } from 'vitest';
import { areaOf, type CpuProfile, cpuByArea } from '../../../bench/report/profile-areas.ts';

const root = 'file:///work/eddy';

describe('cpuByArea', () => {
  it('puts each frame in its area: connectors before the core, libraries by their own folder', () => {
    expect(areaOf(`${root}/connectors/jetstream/delivery.ts`, 'ack')).toBe('eddy: JetStream connector');
    expect(areaOf(`${root}/core/store/storable.ts`, 'checkJson')).toBe('eddy: SQL store');
    expect(areaOf(`${root}/core/exactly-once/committer.ts`, 'x')).toBe(
      'eddy: exactly-once (commit, outbox, acks)',
    );
    expect(areaOf(`${root}/core/runtime/task-runner.ts`, 'run')).toBe('eddy: runtime, operators, log');
    expect(areaOf(`${root}/node_modules/@nats-io/nats-core/lib/parser.js`, 'parse')).toBe('nats.js client');
    expect(areaOf(`${root}/node_modules/pg-protocol/dist/parser.js`, 'parse')).toBe('pg client');
    // A library folder named "core" is not eddy's core.
    expect(areaOf(`${root}/node_modules/@opentelemetry/core/build/x.js`, 'f')).toBe('other libraries');
    expect(areaOf(`${root}/bench/jetstream-ceiling.ts`, 'loop')).toBe('hand-written loop');
    expect(areaOf('', '(garbage collector)')).toBe('garbage collection');
    expect(areaOf('node:internal/streams', 'write')).toBe('Node: sockets, buffers, text, timers, promises');
    // Waiting and the profiler itself are not the case's CPU.
    expect(areaOf('', '(idle)')).toBeUndefined();
    expect(areaOf('node:inspector', 'post')).toBeUndefined();
  });

  it('sums self time per area and divides by the events', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' } },
        { id: 2, callFrame: { functionName: 'run', url: `${root}/core/runtime/task-runner.ts` } },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '' } },
        { id: 4, callFrame: { functionName: '(idle)', url: '' } },
      ],
      samples: [2, 3, 2, 4, 2],
      timeDeltas: [100, 50, 100, 1_000, 100],
    };
    const { areas, total } = cpuByArea(profile, 10);
    expect([...areas]).toEqual([
      ['garbage collection', 5],
      ['eddy: runtime, operators, log', 30],
    ]);
    expect(total).toBe(35);
  });
});
