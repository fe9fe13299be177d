export * from './core/health';
export * from './core/http-metrics';
export * from './core/logger';
export * from './core/metrics';
export * from './nest/observability.module';
