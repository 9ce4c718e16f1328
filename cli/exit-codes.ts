/** What `eddy`'s exit status means (the BSD sysexits where one fits), so scripts can tell failures apart. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The run failed: a bug, or a result that is wrong (see the message). */
  failed: 1,
  /** The command line is wrong: see `--help`. */
  usage: 2,
  /** `eddy replay`: the current code does not do what was recorded (keys changed or diverged). */
  differs: 3,
  /** What the command names does not exist (an approval request decided, expired or never asked; an actor). */
  noSuchRequest: 65,
  /** A server (NATS, PostgreSQL, SMTP, a model endpoint) could not be reached. */
  unavailable: 69,
  /** Configuration is missing or wrong (an env var, a model spec, an API key). */
  config: 78,
  /** Stopped by SIGINT or SIGTERM before it was done. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
