export * from './credentials/credential-request.dto';
export * from './field-check';
export * from './sync-runs/client-selection';
export * from './sync-runs/create-sync-run-request.dto';
export * from './transforms';
export * from './validation.pipe';
export * from './validation-errors';
