import { EXIT, type ExitCode } from './exit-codes.ts';

/** A failure the CLI reports in one line and an exit code, without a stack: the message says what to do. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(`${message} (see --help)`, EXIT.usage);
export const configError = (message: string) => new CliError(message, EXIT.config);
export const unavailableError = (message: string) => new CliError(message, EXIT.unavailable);
