/** The subset of a pino logger eddy writes to; pass a pino instance or anything alike. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};

/** Discards everything; the default when no logger is given. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
