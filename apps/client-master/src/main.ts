import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { describeConfig } from '@practice-sync/config';
import { startTracing } from '@practice-sync/observability';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import { CLIENT_MASTER_SECRETS, loadClientMasterConfig } from './config/client-master.config';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  startTracing('client-master');
  const config = loadClientMasterConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  configureApp(app);
  await app.listen(config.PORT);
  logger.log({
    msg: `client-master listening on ${config.PORT}`,
    config: describeConfig(config, CLIENT_MASTER_SECRETS),
  });
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(
    `client-master failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
