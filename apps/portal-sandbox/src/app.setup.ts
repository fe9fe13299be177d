import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProblemFilter } from '@practice-sync/problems';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import type { SandboxConfig } from './config/sandbox.config';

/** Builds the sandbox app exactly as `main.ts` runs it; tests call this too and listen on port 0. */
export async function createSandboxApp(config: SandboxConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}
