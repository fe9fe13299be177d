import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { applyRoutePrefix } from '../http/configure-app';
import { buildOpenApiDocument } from './openapi';

/**
 * Writes apps/gateway/openapi.json (the committed contract; CI compares it to a fresh one).
 * `preview` builds the module graph without connecting to the database.
 */
async function main(): Promise<void> {
  const config = loadGatewayConfig({ PLATFORM_API_KEY: 'openapi-generation-only', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    preview: true,
    logger: false,
  });
  applyRoutePrefix(app);
  const document = buildOpenApiDocument(app);
  const target = join(__dirname, '..', '..', 'openapi.json');
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`wrote ${target}\n`);
  await app.close();
}

void main();
