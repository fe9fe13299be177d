import { counter, histogram } from '@practice-sync/observability';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';

/**
 * Counts every answer by route template (not raw path, which would explode label cardinality) and status.
 * Express sets `req.route` once a handler matched; anything else is labelled `unmatched`.
 */
export function httpMetricsMiddleware(registry: Registry): RequestHandler {
  const requests = counter(registry, 'gateway_http_requests_total', 'HTTP answers of the public API', [
    'method',
    'route',
    'status',
  ]);
  const duration = histogram(registry, 'gateway_http_request_duration_seconds', 'HTTP answer time', [
    'method',
    'route',
  ]);
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
}

export function routeLabel(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}
