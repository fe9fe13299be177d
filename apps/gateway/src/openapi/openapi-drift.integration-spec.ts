import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'fs';
import { join } from 'path';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { applyRoutePrefix } from '../http/configure-app';
import { buildOpenApiDocument } from './openapi';

describe('apps/gateway/openapi.json', () => {
  it('matches the API in code (regenerate with `npx nx run gateway:openapi`)', async () => {
    const config = loadGatewayConfig({ PLATFORM_API_KEY: 'openapi-generation-only', LOG_LEVEL: 'silent' });
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      preview: true,
      logger: false,
    });
    applyRoutePrefix(app);
    const fresh = JSON.parse(JSON.stringify(buildOpenApiDocument(app))) as unknown;
    await app.close();
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(fresh);
  });
});
