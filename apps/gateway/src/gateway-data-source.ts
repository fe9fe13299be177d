import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { GatewayConfig } from './config/gateway.config';
import { ApiKeyEntity } from './firms/api-key.entity';
import { FirmEntity } from './firms/firm.entity';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { CreateFirmsAndApiKeys1763856000000 } from './migrations/1763856000000-CreateFirmsAndApiKeys';
import { IdempotencyAndRateLimits1764000000000 } from './migrations/1764000000000-IdempotencyAndRateLimits';
import { UsersAndSessions1765000000000 } from './migrations/1765000000000-UsersAndSessions';
import { IdempotencyKeyOwners1795680000002 } from './migrations/1795680000002-IdempotencyKeyOwners';
import { UserAdministration1795720000000 } from './migrations/1795720000000-UserAdministration';
import { SessionEntity } from './users/session.entity';
import { UserEntity } from './users/user.entity';

/** The gateway's schema, entities and migrations, shared by the app and `migrate.ts`. */
export function gatewayDataSourceOptions(
  config: Pick<GatewayConfig, 'DATABASE_URL'> & Partial<Pick<GatewayConfig, 'DATABASE_PREPARED_STATEMENTS'>>,
): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: 'gateway',
    entities: [FirmEntity, ApiKeyEntity, IdempotencyKeyEntity, UserEntity, SessionEntity],
    migrations: [
      CreateFirmsAndApiKeys1763856000000,
      IdempotencyAndRateLimits1764000000000,
      UsersAndSessions1765000000000,
      IdempotencyKeyOwners1795680000002,
      UserAdministration1795720000000,
    ],
    applicationName: 'gateway',
  };
}
