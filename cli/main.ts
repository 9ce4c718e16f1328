#!/usr/bin/env node
// `eddy`: the command line. One file per command under commands/; this file parses and dispatches.
import { parseArgs } from 'node:util';
import { CliError, usageError } from './cli-errors.ts';
import type { Command, Io } from './command.ts';
import { approvalsCommand } from './commands/approvals.ts';
import { approveCommand } from './commands/approve.ts';
import { inspectCommand } from './commands/inspect.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';
import { scenarioCommand } from './commands/scenario.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

const COMMANDS: readonly Command[] = [
  scenarioCommand,
  runCommand,
  inspectCommand,
  replayCommand,
  approvalsCommand,
  approveCommand,
];

const HELP = `Usage: eddy <command> [options]

Real-time AI pipelines: keyed, event-sourced actors on RxJS, exactly once over
NATS JetStream and PostgreSQL, with durable LLM agents.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Run "eddy <command> --help" for a command's options.`;

/** Runs one command line; resolves to the exit code (never exits the process itself). */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const asked = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(`${asked?.help ?? HELP}\n`);
    return EXIT.ok;
  }
  try {
    const command = COMMANDS.find((c) => c.name === name);
    if (!command)
      throw usageError(`no command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    if (parsed.values.help === true) {
      io.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(
      {
        values: parsed.values as Record<string, string | boolean | undefined>,
        positionals: parsed.positionals,
      },
      io,
    );
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`eddy: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `eddy: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}

if (import.meta.main) {
  const controller = new AbortController();
  let signals = 0;
  const stop = () => {
    // The first signal drains (committed work is kept); a second one exits at once.
    if (++signals > 1) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
  // Open handles of a failed run (a half-open connection) must not keep the process alive.
  setTimeout(() => process.exit(code), 2_000).unref();
}
