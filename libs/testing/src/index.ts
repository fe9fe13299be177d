export {
  bucketCsv,
  bucketLacks,
  bucketPan,
  FAST_RUN_ENV,
  gstinOfPan,
  settledGstPeriod,
} from './chaos/bucket';
export type { ChaosOptions, ChaosReport, ChaosRow, RunTiming } from './chaos/chaos-suite';
export { chaosTable, runChaos } from './chaos/chaos-suite';
export type { Aspect, AspectDiff, RunComparison, RunSnapshot } from './chaos/compare-runs';
export { ASPECTS, compareRuns, maskIds } from './chaos/compare-runs';
export type { Fault, FaultContext, FaultPhase, Recovery } from './chaos/faults';
export {
  allFaults,
  KILLABLE,
  killInstance,
  killService,
  NO_FAULT,
  portalOutage,
  restartBroker,
  restartDatabase,
  SCALED,
  terminateDatabaseConnections,
} from './chaos/faults';
export type { PrivatePostgres, PrivatePostgresOptions } from './chaos/private-postgres';
export { startPrivatePostgres } from './chaos/private-postgres';
export { FirmApi, readRunSnapshot } from './chaos/run-snapshot';
export type { BooksHarnessOptions, SandboxBooksObject } from './connector/books-harness';
export { BooksHarness, BooksProbe, SandboxBooks } from './connector/books-harness';
export type { ApiAnswer, ConnectorHarnessOptions, ConnectorUnderTest } from './connector/connector-harness';
export { ConnectorHarness } from './connector/connector-harness';
export { KafkaProbe } from './connector/kafka-probe';
export type { SandboxProcess } from './connector/sandbox-process';
export { startSandboxProcess } from './connector/sandbox-process';
export type { ScratchDatabase } from './connector/scratch-database';
export { createScratchDatabase } from './connector/scratch-database';
export type { ConnectorApp, ConnectorProcess, ServiceProcess } from './connector/service-process';
export { startConnectorProcess, startServiceProcess } from './connector/service-process';
export { kafkaAnswers } from './infra/kafka';
export type { MigratedSchema } from './infra/migrated-schema';
export { migratedSchema } from './infra/migrated-schema';
export { postgresAnswers, withDatabase } from './infra/postgres';
export type { PrivateKafka, PrivateKafkaOptions } from './infra/private-kafka';
export { startPrivateKafka } from './infra/private-kafka';
export { repoRoot, stackDir } from './infra/repo-root';
export type { ConnectorRecovery, ConnectorRecoveryOptions, HeldJobRow } from './recovery/connector-recovery';
export { measureConnectorRecovery } from './recovery/connector-recovery';
export type { PortalAccessGranted, PortalAccessRequest } from './stack/access';
export { grantPortalAccess, SANDBOX_OTP } from './stack/access';
export type { ConsoleUser, FirmWithAdmin } from './stack/firm';
export { apiKeyWorks, createConsoleUser, createFirmWithAdmin, signInWorks } from './stack/firm';
export type { JsonAnswer } from './stack/http';
export { callJson } from './stack/http';
export type { CollectedSpan, OtlpCollector } from './stack/otlp-collector';
export { startOtlpCollector } from './stack/otlp-collector';
export { freePort } from './stack/processes';
export type { ServiceName, StackAccess } from './stack/services';
export { SERVICE_NAMES } from './stack/services';
export type { InstanceName, StackHandle, StackInstance, StartStackOptions } from './stack/start-stack';
export { startStack } from './stack/start-stack';
export type { TestInfra } from './test-infra';
export { testInfra } from './test-infra';
export { uniqueName } from './unique-name';
export type { WaitForOptions } from './wait-for';
export { waitFor } from './wait-for';
