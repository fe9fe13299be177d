import type { NestExpressApplication } from '@nestjs/platform-express';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import { json } from 'express';
import type { Registry } from 'prom-client';

import type { GatewayConfig } from '../config/gateway.config';
import { mountOpenApi } from '../openapi/openapi';
import { bodyParserErrorHandler } from '../problems/body-parser-errors';
import { ProblemFilter } from '../problems/problem.filter';
import { createValidationPipe } from '../validation/validation.pipe';
import { httpMetricsMiddleware } from './http-metrics.middleware';

/** Everything about the HTTP surface besides routes; shared by main.ts, tests and the OpenAPI writer. */
export function configureApp(app: NestExpressApplication, config: Pick<GatewayConfig, 'BODY_LIMIT'>): void {
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  app.use(json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(bodyParserErrorHandler);
  applyRoutePrefix(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.disable('x-powered-by');
  mountOpenApi(app);
}

/** `/v1` for the public API; health and metrics stay at the root where probes and Prometheus expect them. */
export function applyRoutePrefix(app: NestExpressApplication): void {
  app.setGlobalPrefix('v1', { exclude: ['metrics', 'health/live', 'health/ready'] });
}
