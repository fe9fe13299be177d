export * from './service-http-client';
export * from './trace-context';
export * from './transport';
