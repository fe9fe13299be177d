import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { OrchestratorConfig } from './config/orchestrator.config';
import { DATABASE_SCHEMA, SERVICE_NAME } from './config/orchestrator.config';
import { CreateSyncRunsAndJobs1795308600000 } from './migrations/1795308600000-CreateSyncRunsAndJobs';
import { DispatchRetriesSchedules1795395000000 } from './migrations/1795395000000-DispatchRetriesSchedules';
import { PendingJobsByPortal1795480000000 } from './migrations/1795480000000-PendingJobsByPortal';
import { NoDataAndPartialOutcomes1795560000000 } from './migrations/1795560000000-NoDataAndPartialOutcomes';
import { RateLimitDeferrals1795563000000 } from './migrations/1795563000000-RateLimitDeferrals';
import { ScheduleTimeZone1795566000000 } from './migrations/1795566000000-ScheduleTimeZone';
import { JobClientNamesAndTaxpayers1795570019000 } from './migrations/1795570019000-JobClientNamesAndTaxpayers';
import { BranchSyncRuns1795600000000 } from './migrations/1795600000000-BranchSyncRuns';
import { RunTraceParent1795610000000 } from './migrations/1795610000000-RunTraceParent';
import { BooksHeldConflicts1795615000000 } from './migrations/1795615000000-BooksHeldConflicts';
import { BooksSnapshotRuns1795630000002 } from './migrations/1795630000002-BooksSnapshotRuns';
import { LinkSchedules1795650000001 } from './migrations/1795650000001-LinkSchedules';
import { FanOutOwner1795660000000 } from './migrations/1795660000000-FanOutOwner';
import { RunIdempotencyKeys1795680000001 } from './migrations/1795680000001-RunIdempotencyKeys';
import { SyncJobEntity } from './runs/sync-job.entity';
import { SyncRunEntity } from './runs/sync-run.entity';
import { SyncScheduleEntity } from './schedules/sync-schedule.entity';

/** One definition for the running service and `migrate.ts`, so both see the same entities and migrations. */
export function orchestratorDatabaseOptions(config: OrchestratorConfig): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: DATABASE_SCHEMA,
    entities: [SyncRunEntity, SyncJobEntity, SyncScheduleEntity],
    migrations: [
      ...MessagingMigrations,
      CreateSyncRunsAndJobs1795308600000,
      DispatchRetriesSchedules1795395000000,
      PendingJobsByPortal1795480000000,
      NoDataAndPartialOutcomes1795560000000,
      RateLimitDeferrals1795563000000,
      ScheduleTimeZone1795566000000,
      JobClientNamesAndTaxpayers1795570019000,
      BranchSyncRuns1795600000000,
      RunTraceParent1795610000000,
      BooksHeldConflicts1795615000000,
      LinkSchedules1795650000001,
      BooksSnapshotRuns1795630000002,
      FanOutOwner1795660000000,
      RunIdempotencyKeys1795680000001,
    ],
    applicationName: SERVICE_NAME,
  };
}
