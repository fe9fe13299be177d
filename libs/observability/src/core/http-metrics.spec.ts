import { EventEmitter } from 'node:events';

import type { Request, Response } from 'express';
import { Registry } from 'prom-client';

import { httpServerMetrics, routeTemplate } from './http-metrics';

describe('httpServerMetrics', () => {
  it('labels by route template, or unmatched', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/internal/v1/jobs/:id' } })).toBe(
      '/internal/v1/jobs/:id',
    );
    expect(routeTemplate({ baseUrl: '', route: undefined })).toBe('unmatched');
  });

  it('counts an answer by method, route and status when it is sent', async () => {
    const registry = new Registry();
    const res = Object.assign(new EventEmitter(), { statusCode: 404 });
    const req = { method: 'GET', baseUrl: '', route: { path: '/v1/clients/:id' } };
    httpServerMetrics(registry)(req as unknown as Request, res as unknown as Response, () => undefined);
    res.emit('finish');
    const text = await registry.metrics();
    expect(text).toContain('http_server_requests_total{method="GET",route="/v1/clients/:id",status="404"} 1');
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="/v1/clients/:id"} 1',
    );
  });
});
