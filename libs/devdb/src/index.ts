export * from './dev-postgres.js';
export * from './net.js';
export * from './processes.js';
