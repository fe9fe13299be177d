import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { routeTemplate } from './http-metrics';
import type { CarrierValue } from './trace-spans';
import { contextFromHeaders, SpanKind, tracer } from './trace-spans';
import { tracingEnabled } from './tracing';

/** Scrapes and probes: no span (they would drown the traces that matter). */
const UNTRACED = /^\/(metrics|health)(\/|$)/;

/**
 * Express/Nest middleware: a server span per request, continuing the caller's W3C `traceparent`, current for
 * the handler (so its calls, logs and outbox rows carry the trace), named `METHOD /route/:template` once the
 * route is known. Mount it after the body parsers: their stream callbacks would lose the context.
 */
export function httpServerTracing(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!tracingEnabled() || UNTRACED.test(req.originalUrl)) return next();
    const parent = contextFromHeaders(req.headers as Record<string, CarrierValue>);
    const span = tracer().startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.on('finish', end);
    res.on('close', end); // the caller went away before the answer: end it anyway
    context.with(trace.setSpan(parent, span), next);
  };
}
