export * from './branch-sync/branch-link-request.dto';
export * from './branch-sync/company-request.dto';
export * from './field-check';
export * from './sync-runs/client-selection';
export * from './sync-runs/create-sync-run-request.dto';
export * from './transforms';
export * from './validation.pipe';
export * from './validation-errors';
