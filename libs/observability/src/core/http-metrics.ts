import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';

import { counter, histogram } from './metrics';

/** The matched route template (never the raw path, whose ids would explode label cardinality), or `unmatched`. */
export function routeTemplate(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/**
 * `http_server_requests_total{method,route,status}` and `http_server_request_duration_seconds{method,route}`
 * for every HTTP answer of the service (public or internal API, health and metrics included).
 */
export function httpServerMetrics(registry: Registry): RequestHandler {
  const requests = counter(registry, 'http_server_requests_total', 'HTTP answers of this service', [
    'method',
    'route',
    'status',
  ]);
  const duration = histogram(
    registry,
    'http_server_request_duration_seconds',
    'HTTP answer time of this service',
    ['method', 'route'],
  );
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeTemplate(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
