import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { OrchestratorConfig } from './config/orchestrator.config';
import { DATABASE_SCHEMA, SERVICE_NAME } from './config/orchestrator.config';
import { CreateSyncRunsAndJobs1795308600000 } from './migrations/1795308600000-CreateSyncRunsAndJobs';
import { DispatchRetriesSchedules1795395000000 } from './migrations/1795395000000-DispatchRetriesSchedules';
import { PendingJobsByPortal1795480000000 } from './migrations/1795480000000-PendingJobsByPortal';
import { RateLimitDeferrals1795560000000 } from './migrations/1795560000000-RateLimitDeferrals';
import { SyncScheduleEntity } from './schedules/sync-schedule.entity';
import { SyncJobEntity } from './sync-runs/sync-job.entity';
import { SyncRunEntity } from './sync-runs/sync-run.entity';

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
      RateLimitDeferrals1795560000000,
    ],
    applicationName: SERVICE_NAME,
  };
}
