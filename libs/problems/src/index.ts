export * from './problem';
export * from './storable-text';
