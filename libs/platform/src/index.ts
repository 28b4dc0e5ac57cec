export * from './config.js';
export * from './logger.js';
export * from './http-policy.js';
