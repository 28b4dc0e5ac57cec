export * from './config.js';
export * from './logger.js';
export * from './exception.filter.js';
export * from './bootstrap.js';
export * from './memory-watch.js';
export * from './stream-metrics.js';
