export * from './core/health';
export * from './core/http-metrics';
export * from './core/http-tracing';
export * from './core/logger';
export * from './core/metrics';
export * from './core/trace-spans';
export * from './core/tracing';
export * from './nest/observability.module';
