export * from './core/health';
export * from './core/logger';
export * from './core/metrics';
export * from './nest/observability.module';
