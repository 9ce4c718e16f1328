// What global-setup.ts hands to every test file through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** nats://… of a NATS server with JetStream, shared by the whole run. */
    natsUrl: string;
    /** postgres://… of a PostgreSQL database with pgvector; use createTestDatabase() for an isolated one. */
    databaseUrl: string;
  }
}

export {};
