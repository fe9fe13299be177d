export * from './domain.exception';
export * from './problem';
export * from './problem.filter';
export * from './storable-text';
export * from './to-problem';
