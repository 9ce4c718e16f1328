import type { ParseArgsConfig } from 'node:util';
import type { ExitCode } from './exit-codes.ts';

/** Where a command writes: stdout for results, stderr for progress, banners and errors. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT / SIGTERM. */
  readonly signal: AbortSignal;
}

/** The parsed command line of one command. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** One `eddy` command: its own file, its own options and help. */
export interface Command {
  readonly name: string;
  /** One line, for `eddy --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: Parsed, io: Io): Promise<ExitCode>;
}
