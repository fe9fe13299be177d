export * from './data-source';
export * from './database-unavailable';
export * from './migrate-cli';
export * from './persistence.module';
export * from './pool-metrics';
export * from './prepared-statements';
export * from './returned-rows';
export * from './schema-drift';
