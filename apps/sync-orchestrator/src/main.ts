import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { describeConfig } from '@practice-sync/config';
import { startTracing } from '@practice-sync/observability';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import { loadOrchestratorConfig } from './config/orchestrator.config';

async function bootstrap(): Promise<void> {
  startTracing('sync-orchestrator');
  const config = loadOrchestratorConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  await app.listen(config.PORT);
  logger.log(
    { config: describeConfig(config, ['DATABASE_URL']) },
    `sync-orchestrator listening on port ${config.PORT}`,
  );
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(`sync-orchestrator failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
