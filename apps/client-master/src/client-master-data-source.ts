import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import { BranchLinkEntity, BranchRuleEntity } from './branch-links/branch-link.entity';
import { ClientEntity } from './clients/client.entity';
import { CompanyEntity } from './companies/company.entity';
import type { ClientMasterConfig } from './config/client-master.config';
import { BranchLinkJobEntity } from './link-state/branch-link-job.entity';
import { CreateClients1763856100000 } from './migrations/1763856100000-CreateClients';
import { CreateStatusCells1763856200000 } from './migrations/1763856200000-CreateStatusCells';
import { CreateRecordsAndChanges1763856300000 } from './migrations/1763856300000-CreateRecordsAndChanges';
import { CaseInsensitiveSelection1763856450000 } from './migrations/1763856450000-CaseInsensitiveSelection';
import { CreateNotices1765019000000 } from './migrations/1765019000000-CreateNotices';
import { CreateCompaniesAndBranchLinks1765300000000 } from './migrations/1765300000000-CreateCompaniesAndBranchLinks';
import { CreateBranchLinkJobs1765400000000 } from './migrations/1765400000000-CreateBranchLinkJobs';
import { StatusCellsRecordsSeen1795770000000 } from './migrations/1795770000000-StatusCellsRecordsSeen';
import { NoticeEntity } from './notices/notice.entity';
import { RecordChangeEntity, RecordEntity } from './records/record.entity';
import { StatusCellEntity } from './status/status-cell.entity';

/** client-master's schema, entities and migrations, shared by the app, `migrate.ts` and tests. */
export function clientMasterDataSourceOptions(
  config: Pick<ClientMasterConfig, 'DATABASE_URL'> &
    Partial<Pick<ClientMasterConfig, 'DATABASE_PREPARED_STATEMENTS'>>,
): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: 'client_master',
    entities: [
      ClientEntity,
      StatusCellEntity,
      RecordEntity,
      RecordChangeEntity,
      NoticeEntity,
      CompanyEntity,
      BranchLinkEntity,
      BranchRuleEntity,
      BranchLinkJobEntity,
    ],
    migrations: [
      ...MessagingMigrations,
      CreateClients1763856100000,
      CreateStatusCells1763856200000,
      CreateRecordsAndChanges1763856300000,
      CaseInsensitiveSelection1763856450000,
      CreateNotices1765019000000,
      CreateCompaniesAndBranchLinks1765300000000,
      CreateBranchLinkJobs1765400000000,
      StatusCellsRecordsSeen1795770000000,
    ],
    applicationName: 'client-master',
  };
}
