import { readdirSync, readFileSync } from 'node:fs';

/** A live child process of this process (zombies included: they were not reaped). */
export interface ChildProcessInfo {
  readonly pid: number;
  readonly command: string;
}

/** Children of this process right now, from /proc (Linux). */
export function childProcesses(): ChildProcessInfo[] {
  const children: ChildProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let command: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // ended while we looked
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid) children.push({ pid: Number(entry), command });
  }
  return children;
}

/** Children whose command line mentions `needle`. */
export function childrenRunning(needle: string): ChildProcessInfo[] {
  return childProcesses().filter((c) => c.command.includes(needle));
}
