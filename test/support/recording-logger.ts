import type { Logger } from '../../core/logger.ts';

/** One line a component logged. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/**
 * A Logger that keeps what it is told, for tests that check what a stage
 * says (or that it says nothing at error level).
 *
 * @example
 * const logger = new RecordingLogger();
 * new Stage({ ...options, logger });
 * expect(logger.at('error')).toEqual([]);
 */
export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];

  debug(fields: object, message?: string): void {
    this.#keep('debug', fields, message);
  }
  info(fields: object, message?: string): void {
    this.#keep('info', fields, message);
  }
  warn(fields: object, message?: string): void {
    this.#keep('warn', fields, message);
  }
  error(fields: object, message?: string): void {
    this.#keep('error', fields, message);
  }

  /** The lines at one level, as `message {fields}`. */
  at(level: LoggedLine['level']): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => `${l.message} ${JSON.stringify(l.fields)}`);
  }

  #keep(level: LoggedLine['level'], fields: object, message = ''): void {
    this.lines.push({ level, fields: fields as Record<string, unknown>, message });
  }
}
