export * from './dev-postgres.js';
export * from './net.js';
