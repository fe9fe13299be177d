import type { NestExpressApplication } from '@nestjs/platform-express';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import { bodyParserErrorHandler, ProblemFilter, storableTextMiddleware } from '@practice-sync/problems';
import { traceContextMiddleware } from '@practice-sync/service-http';
import { json, text } from 'express';
import type { Registry } from 'prom-client';

import type { GatewayConfig } from '../config/gateway.config';
import { mountOpenApi } from '../openapi/openapi';
import { bodyShapeMiddleware } from '../validation/body-shape.middleware';
import { createValidationPipe } from '../validation/validation.pipe';
import { contentTypeMiddleware, CSV_ROUTE, CSV_TYPES } from './content-type.middleware';
import { httpMetricsMiddleware } from './http-metrics.middleware';

/** Everything about the HTTP surface besides routes; shared by main.ts, tests and the OpenAPI writer. */
export function configureApp(
  app: NestExpressApplication,
  config: Pick<GatewayConfig, 'BODY_LIMIT' | 'IMPORT_BODY_LIMIT'> &
    Partial<Pick<GatewayConfig, 'TRUST_PROXY'>>,
): void {
  // Which X-Forwarded-For hops to believe for `req.ip` (the per-IP sign-in limit); README, "Behind a proxy".
  app.set('trust proxy', config.TRUST_PROXY ?? false);
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  app.use(contentTypeMiddleware);
  // CSV imports are larger than any JSON body (10,000 rows), so they get their own parser and limit.
  app.use(CSV_ROUTE, text({ limit: config.IMPORT_BODY_LIMIT, type: CSV_TYPES }));
  app.use(json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(bodyParserErrorHandler);
  app.use(storableTextMiddleware);
  app.use(bodyShapeMiddleware);
  // After the body parsers: their stream callbacks would lose the request's trace context.
  app.use(traceContextMiddleware);
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
