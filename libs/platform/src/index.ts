export * from './config.js';
export * from './logger.js';
export * from './http-policy.js';
export * from './memory-watch.js';
export * from './stream-metrics.js';
export * from './stack-file.js';
