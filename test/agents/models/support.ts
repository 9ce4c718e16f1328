import type { Logger } from '../../../core/logger.ts';

/** A log line as a Logger got it. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string | undefined;
}

/** A Logger that keeps what it is given, for assertions. */
export function recordingLogger(): Logger & { readonly entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => JSON.stringify(entries),
  };
}

/** A text sink that keeps what is written (the offline banner goes here in tests). */
export function recordingSink(): { write(text: string): boolean; readonly text: () => string } {
  const chunks: string[] = [];
  return {
    write(text: string): boolean {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** What a promise rejected with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
