import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { describeConfig } from '@practice-sync/config';
import { startTracing } from '@practice-sync/observability';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import { GATEWAY_SECRETS, loadGatewayConfig } from './config/gateway.config';
import { serveConsole } from './console/serve-console';
import { configureApp } from './http/configure-app';

async function bootstrap(): Promise<void> {
  startTracing('gateway');
  const config = loadGatewayConfig();
  // Our own JSON parser (configureApp) sets the body limit and answers parse errors as problem+json.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  configureApp(app, config);
  const hasConsole = serveConsole(app, config.CONSOLE_DIR);
  await app.listen(config.PORT);
  logger.log({
    msg: `gateway listening on ${config.PORT}${hasConsole ? ' (console at /)' : ''}`,
    config: describeConfig(config, GATEWAY_SECRETS),
  });
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
