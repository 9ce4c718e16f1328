export {
  assertPgvectorInstalled,
  findNatsServer,
  findPostgresBinaries,
  type PostgresBinaries,
} from './binaries.ts';
export { createTestDatabase, type TestDatabase } from './database.ts';
export { SETUP_REMEDY, type ServiceName, ServiceUnavailableError } from './errors.ts';
export { freePort } from './free-port.ts';
export { NatsServer } from './nats-server.ts';
export { PostgresCluster, type PostgresStopMode } from './postgres-cluster.ts';
export { startTestServices, type TestServices } from './test-services.ts';
