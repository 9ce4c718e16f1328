import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** Deletes the JetStream streams a test file made (those already gone are fine), so runs share a server cleanly. */
export async function deleteStreams(servers: string, streams: readonly string[]): Promise<void> {
  const admin = await connect({ servers });
  try {
    const jsm = await jetstreamManager(admin);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => {});
  } finally {
    await admin.close();
  }
}

/** Deletes every JetStream stream whose name starts with `prefix` (a pipeline's own, after a test). */
export async function deleteStreamsWithPrefix(servers: string, prefix: string): Promise<void> {
  const admin = await connect({ servers });
  try {
    const jsm = await jetstreamManager(admin);
    for await (const name of jsm.streams.names())
      if (name.startsWith(prefix)) await jsm.streams.delete(name).catch(() => {});
  } finally {
    await admin.close();
  }
}
