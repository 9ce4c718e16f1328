/** Which of the suite's servers a problem is about. */
export type ServiceName = 'nats' | 'postgres';

/**
 * A server the suite needs cannot be had: a binary or extension is missing, it
 * would not start, or the server that an environment variable names is not
 * reachable. The message says what is missing and how to get it; the suite
 * fails with it rather than skipping tests.
 *
 * @example
 * throw new ServiceUnavailableError('nats', 'nats-server is not installed', 'run: bash scripts/setup-debian.sh');
 */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly service: ServiceName;

  constructor(service: ServiceName, problem: string, remedy: string, options?: ErrorOptions) {
    super(`${service}: ${problem}\n  To fix: ${remedy}`, options);
    this.service = service;
  }
}

/** How to get every missing piece at once on Debian, or do without it. */
export const SETUP_REMEDY =
  'run `bash scripts/setup-debian.sh` (installs nats-server, PostgreSQL 15 and pgvector on Debian), ' +
  'or point the suite at running servers with NATS_URL and DATABASE_URL';
