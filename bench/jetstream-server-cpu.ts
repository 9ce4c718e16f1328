import { readdirSync, readFileSync } from 'node:fs';

/** CPU milliseconds the servers used, split by server. */
export interface ServerCpu {
  readonly natsMs: number;
  readonly postgresMs: number;
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly args: readonly string[];
  /** utime + stime + cutime + cstime, in ms. */
  readonly cpuMs: number;
}

const TICK_MS = 10; // Linux USER_HZ is 100 everywhere that matters.

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0);
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      out.push({ pid: Number(entry), ppid: Number(f[1]), args, cpuMs: ticks * TICK_MS });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out;
}

function listensOn(p: Proc, program: string, port: string): boolean {
  const i = p.args.indexOf('-p');
  return (p.args[0] ?? '').endsWith(program) && i >= 0 && p.args[i + 1] === port;
}

/**
 * Reads the CPU time of the local nats-server and PostgreSQL (postmaster and
 * its backends) that the URLs point at, so a case can report the whole
 * machine's cost per event. Undefined when they are not local processes this
 * user can see (servers elsewhere, or started another way).
 */
export function serverCpu(natsUrl: string, databaseUrl: string): ServerCpu | undefined {
  if (process.platform !== 'linux') return undefined;
  const natsPort = new URL(natsUrl).port;
  const pgPort = new URL(databaseUrl).port || '5432';
  const all = processes();
  const nats = all.find((p) => listensOn(p, 'nats-server', natsPort));
  const postmaster = all.find((p) => listensOn(p, 'postgres', pgPort));
  if (nats === undefined || postmaster === undefined) return undefined;
  const backends = all.filter((p) => p.ppid === postmaster.pid);
  return {
    natsMs: nats.cpuMs,
    // Exited backends' time is in the postmaster's cutime/cstime once reaped.
    postgresMs: postmaster.cpuMs + backends.reduce((sum, p) => sum + p.cpuMs, 0),
  };
}

/** Measures the bench process's and the servers' CPU over `work`: ms per 1000 events. */
export async function withCpu<T>(
  urls: { readonly natsUrl: string; readonly databaseUrl: string },
  events: number,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMsPer1k: { node: number; nats?: number; postgres?: number } }> {
  const servers = serverCpu(urls.natsUrl, urls.databaseUrl);
  const own = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(own);
  const after = serverCpu(urls.natsUrl, urls.databaseUrl);
  const per1k = (ms: number): number => Math.round((ms * 1000) / events);
  return {
    result,
    cpuMsPer1k: {
      node: per1k((used.user + used.system) / 1000),
      ...(servers && after
        ? {
            nats: per1k(after.natsMs - servers.natsMs),
            postgres: per1k(after.postgresMs - servers.postgresMs),
          }
        : {}),
    },
  };
}
