import type { Logger, LoggerOptions } from 'pino';
import pino from 'pino';

import { traceLogFields } from './trace-spans';

/** Field names whose values are never written to logs. */
export const REDACTED_PATHS = [
  'password',
  'clientSecret',
  'apiKey',
  'otp',
  'token',
  'authToken',
  'key',
  '*.password',
  '*.clientSecret',
  '*.apiKey',
  '*.otp',
  '*.token',
  '*.authToken',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
];

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // `trace_id`/`span_id` of the active span on every line (nothing while tracing is off).
    mixin: traceLogFields,
  };
}

/** Structured JSON logger; bind `firmId`, `runId`, `clientId`, `category` with `.child({...})`. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}
