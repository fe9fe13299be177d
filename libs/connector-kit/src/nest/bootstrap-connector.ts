import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeConfig } from '@practice-sync/config';
import { startTracing } from '@practice-sync/observability';
import { Logger } from 'nestjs-pino';

import type { ConnectorEnv } from '../core/connector-config';
import { CONNECTOR_SECRET_KEYS } from '../core/connector-config';
import type { ConnectorDefinition } from '../core/connector-definition';

/**
 * The body of a connector's `src/main.ts`: starts tracing (`startTracing`), loads the config, starts the app on `PORT` with the pino logger
 * and shutdown hooks, logs the config with its secrets masked; exits 1 naming the cause if anything fails.
 */
export async function bootstrapConnector<C extends ConnectorEnv>(
  connector: ConnectorDefinition<C>,
  appModule: (config: C) => DynamicModule,
): Promise<void> {
  try {
    startTracing(connector.service);
    const config = connector.loadConfig();
    const app = await NestFactory.create(appModule(config), { bufferLogs: true });
    const logger = app.get(Logger);
    app.useLogger(logger);
    app.enableShutdownHooks();
    await app.listen(config.PORT);
    logger.log(
      { config: describeConfig(config, [...CONNECTOR_SECRET_KEYS, ...(connector.secretKeys ?? [])]) },
      `${connector.service} listening on port ${config.PORT}`,
    );
  } catch (e: unknown) {
    process.stderr.write(
      `${connector.service} failed to start: ${e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(1);
  }
}
