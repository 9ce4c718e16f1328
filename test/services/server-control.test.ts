import { existsSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { NatsServer } from './nats-server.ts';
import { withClient } from './pg-client.ts';
import { PostgresCluster } from './postgres-cluster.ts';

// The control that fault tests rely on: a crash and a restart keep the address and the data.
describe('NatsServer', () => {
  const nats = new NatsServer();
  afterAll(() => nats.dispose());

  it('keeps its port and JetStream store across a SIGKILL and restart', async () => {
    await nats.start();
    const { url, storeDir } = nats;
    const before = await connect({ servers: url, reconnect: false });
    try {
      const manager = await jetstreamManager(before);
      await manager.streams.add({ name: 'CONTROL', subjects: ['control.>'] });
      await jetstream(before).publish('control.a', 'kept');
    } finally {
      await before.close();
    }

    await nats.stop('SIGKILL');
    expect(nats.running).toBe(false);
    await nats.restart();

    expect(nats.url).toBe(url);
    const after = await connect({ servers: nats.url, reconnect: false });
    try {
      const info = await (await jetstreamManager(after)).streams.info('CONTROL');
      expect(info.state.messages).toBe(1);
    } finally {
      await after.close();
    }
    await nats.dispose();
    expect(existsSync(storeDir)).toBe(false);
  });
});

describe('PostgresCluster', () => {
  const cluster = new PostgresCluster();
  afterAll(() => cluster.dispose());

  it('keeps its port and committed rows across an immediate shutdown and restart', async () => {
    await cluster.init();
    await cluster.start();
    const { url, dataDir } = cluster;
    await withClient(url, async (client) => {
      await client.query('CREATE TABLE kept (n int)');
      await client.query('INSERT INTO kept VALUES (42)');
    });

    await cluster.stop('immediate');
    expect(cluster.running).toBe(false);
    await cluster.restart();

    expect(cluster.url).toBe(url);
    const rows = await withClient(url, async (client) => (await client.query('SELECT n FROM kept')).rows);
    expect(rows).toEqual([{ n: 42 }]);
    await cluster.dispose();
    expect(existsSync(dataDir)).toBe(false);
  });
});
