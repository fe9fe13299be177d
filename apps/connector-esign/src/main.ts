import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { describeConfig } from '@practice-sync/config';
import { CONNECTOR_SECRET_KEYS } from '@practice-sync/connector-kit';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import { loadConnectorEsignConfig, SERVICE_NAME } from './config/connector-esign.config';

async function bootstrap(): Promise<void> {
  const config = loadConnectorEsignConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  await app.listen(config.PORT);
  logger.log(
    { config: describeConfig(config, [...CONNECTOR_SECRET_KEYS]) },
    `${SERVICE_NAME} listening on port ${config.PORT}`,
  );
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`${SERVICE_NAME} failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
